import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  BACKEND_SPEC,
  CLIENT,
  SPEC_PARTS,
  SPEC_PATH,
  generate,
  readSpecTexts,
  operationsOf,
  staleFiles,
  writeGenerated,
} from '../../scripts/openapi/generateOpenApi';
import { spec } from './openapi.generated';

const ROOT = resolve(__dirname, '../../../..');
const specTexts = readSpecTexts(ROOT);
const [specText] = specTexts;

describe('the OpenAPI spec and the code generated from it', () => {
  it('the checked-in generated files are those of the spec (else: yarn openapi:generate)', () => {
    for (const [path, content] of Object.entries(generate(specTexts))) {
      expect({ path, content: readFileSync(join(ROOT, path), 'utf8') }).toEqual(
        { path, content },
      );
    }
  });

  it('the stale check names a generated file that no longer matches the spec', () => {
    const root = mkdtempSync(join(tmpdir(), 'previews-openapi-test-'));
    mkdirSync(dirname(join(root, SPEC_PATH)), { recursive: true });
    [SPEC_PATH, ...SPEC_PARTS].forEach((path, i) =>
      writeFileSync(join(root, path), specTexts[i]),
    );
    writeGenerated(root);
    expect(staleFiles(root, mkdtempSync(join(tmpdir(), 'fresh-')))).toEqual([]);

    writeFileSync(
      join(root, SPEC_PATH),
      specText.replace('getSummary', 'getTotals'),
    );
    // A renamed operation: the spec constant and the client change, the models do not.
    expect(
      staleFiles(root, mkdtempSync(join(tmpdir(), 'fresh-'))).sort(),
    ).toEqual([BACKEND_SPEC, CLIENT].sort());
  });

  it('every operation has a unique id and says how it fails', () => {
    const operations = operationsOf(spec as any);
    expect(new Set(operations.map(op => op.id)).size).toBe(operations.length);
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const responses = (op as { responses: Record<string, unknown> })
          .responses;
        expect({
          operation: `${method} ${path}`,
          default: responses.default,
        }).toEqual({
          operation: `${method} ${path}`,
          default: { $ref: '#/components/responses/Error' },
        });
      }
    }
  });

  it('request bodies take no fields but their own (additionalProperties: false)', () => {
    const schemas = spec.components.schemas as Record<
      string,
      { additionalProperties?: unknown }
    >;
    const bodies = operationsOf(spec as any).flatMap(op =>
      op.body ? [op.body.type] : [],
    );
    expect(bodies.length).toBeGreaterThan(5);
    for (const name of new Set(bodies)) {
      expect({
        name,
        additionalProperties: schemas[name]?.additionalProperties,
      }).toEqual({ name, additionalProperties: false });
    }
  });
});
