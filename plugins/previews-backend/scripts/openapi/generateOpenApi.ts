/**
 * Writes the code generated from the REST API's one source,
 * `plugins/previews-backend/src/schema/openapi.yaml`:
 *
 * - the backend's `src/schema/openapi.generated.ts` and
 *   `openapiSchemas.generated.ts` (the spec as a constant, for the validated
 *   router);
 * - the frontend's `src/api/generated/` (a type per schema, and a typed fetch
 *   client with a method per operation).
 *
 * `node generateOpenApi.ts` writes them; `--check` writes them to a temporary
 * directory and fails when the checked-in files differ (`yarn openapi:check`).
 * Run from the repository root.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import {
  printDeclaration,
  printLiteral,
  printType,
  quote,
} from './printTypes.ts';
import type { Json, JsonObject } from './printTypes.ts';

export const SPEC_PATH = 'plugins/previews-backend/src/schema/openapi.yaml';
/** Parts of the spec kept in files of their own: their paths and schemas join the main file's. */
export const SPEC_PARTS = [
  'plugins/previews-backend/src/schema/openapi.access.yaml',
  'plugins/previews-backend/src/schema/openapi.runtime.yaml',
  'plugins/previews-backend/src/schema/openapi.tests.yaml',
  'plugins/previews-backend/src/schema/openapi.timeline.yaml',
];
export const BACKEND_SPEC =
  'plugins/previews-backend/src/schema/openapi.generated.ts';
export const BACKEND_SCHEMAS =
  'plugins/previews-backend/src/schema/openapiSchemas.generated.ts';
export const CLIENT_MODELS = 'plugins/previews/src/api/generated/models.ts';
export const CLIENT =
  'plugins/previews/src/api/generated/PreviewsRestClient.ts';

const HEADER = `// Generated from ${SPEC_PATH} by \`yarn openapi:generate\`: do not edit.\n`;
const METHODS = ['get', 'post', 'put', 'delete'] as const;

/** One operation of the spec, as the client needs it. */
interface Operation {
  id: string;
  method: string;
  path: string;
  description?: string;
  pathParams: JsonObject[];
  queryParams: JsonObject[];
  body?: { type: string; required: boolean };
  response: string;
  /** A text answer (a log): the method gives the raw Response, to read as a stream. */
  text: boolean;
}

function resolve(doc: JsonObject, value: Json | undefined): JsonObject {
  let current = value as JsonObject;
  while (current && typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce<Json>(
        (node, part) => (node as JsonObject)[part],
        doc,
      ) as JsonObject;
  }
  return current;
}

/** What a successful answer holds: JSON of a schema, text (streamed), or nothing. */
function responseOf(content: JsonObject | undefined): {
  response: string;
  text: boolean;
} {
  const json = content?.['application/json'] as JsonObject | undefined;
  if (json) return { response: printType(json.schema), text: false };
  if (content?.['text/plain']) return { response: 'Response', text: true };
  return { response: 'void', text: false };
}

/** Every operation of the spec, in the order of the file. */
export function operationsOf(doc: JsonObject): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as JsonObject)) {
    const pathItem = item as JsonObject;
    for (const method of METHODS) {
      const op = pathItem[method] as JsonObject | undefined;
      if (!op) continue;
      const params = [
        ...((pathItem.parameters ?? []) as Json[]),
        ...((op.parameters ?? []) as Json[]),
      ].map(p => resolve(doc, p));
      const body = op.requestBody ? resolve(doc, op.requestBody) : undefined;
      const [, success] =
        Object.entries(op.responses as JsonObject).find(([status]) =>
          /^2/.test(status),
        ) ?? [];
      const content = resolve(doc, success).content as JsonObject | undefined;
      operations.push({
        id: op.operationId as string,
        method: method.toUpperCase(),
        path,
        description: op.description as string | undefined,
        pathParams: params.filter(p => p.in === 'path'),
        queryParams: params.filter(p => p.in === 'query'),
        body: body && {
          type: printType(
            ((body.content as JsonObject)['application/json'] as JsonObject)
              .schema,
          ),
          required: body.required === true,
        },
        ...responseOf(content),
      });
    }
  }
  return operations;
}

/** The spec as constants: its component schemas in a file of their own, to keep both files short. */
function backendSpec(doc: JsonObject): Record<string, string> {
  const components = doc.components as JsonObject;
  const placeholder = 'components.schemas: see openapiSchemas.generated.ts';
  const rest = printLiteral({
    ...doc,
    components: { ...components, schemas: placeholder },
  });
  return {
    [BACKEND_SCHEMAS]: `${HEADER}
/** The schemas of the previews REST API (\`components.schemas\` of \`openapi.yaml\`). */
export const schemas = ${printLiteral(components.schemas)} as const;
`,
    [BACKEND_SPEC]: `${HEADER}
import { schemas } from './openapiSchemas.generated';

/** The previews REST API (\`openapi.yaml\`), for \`createValidatedOpenApiRouter\`. */
export const spec = ${rest.replace(
      `schemas: ${quote(placeholder)}`,
      'schemas',
    )} as const;
`,
  };
}

function models(doc: JsonObject): string {
  const schemas = (doc.components as JsonObject).schemas as JsonObject;
  const declarations = Object.entries(schemas).map(([name, schema]) =>
    printDeclaration(name, schema as JsonObject),
  );
  return `${HEADER}\n${declarations.join('\n')}`;
}

function paramsType(params: JsonObject[], indent: string): string {
  const members = params.map(p => {
    const doc =
      typeof p.description === 'string'
        ? `${indent}  /** ${p.description} */\n`
        : '';
    return `${doc}${indent}  ${p.name}${p.required ? '' : '?'}: ${printType(
      p.schema,
    )};`;
  });
  return `{\n${members.join('\n')}\n${indent}}`;
}

/** The request type of an operation: its path parameters, query and body. */
function requestType(
  op: Operation,
): { type: string; optional: boolean } | undefined {
  const parts: string[] = [];
  let optional = true;
  if (op.pathParams.length) {
    parts.push(`  path: ${paramsType(op.pathParams, '  ')};`);
    optional = false;
  }
  if (op.queryParams.length) {
    const required = op.queryParams.some(p => p.required);
    parts.push(
      `  query${required ? '' : '?'}: ${paramsType(op.queryParams, '  ')};`,
    );
    optional &&= !required;
  }
  if (op.body) {
    parts.push(`  body${op.body.required ? '' : '?'}: ${op.body.type};`);
    optional &&= !op.body.required;
  }
  return parts.length
    ? { type: `{\n${parts.join('\n')}\n}`, optional }
    : undefined;
}

function client(doc: JsonObject): string {
  const operations = operationsOf(doc);
  const used = new Set<string>();
  for (const op of operations) {
    for (const type of [op.response, op.body?.type ?? ''])
      if (
        /^\w+$/.test(type) &&
        type !== 'void' &&
        !(op.text && type === op.response)
      )
        used.add(type);
  }
  const requests = operations.map(op => {
    const request = requestType(op);
    return request ? `export type ${inputName(op)} = ${request.type};\n` : '';
  });
  const table = operations.map(
    op =>
      `  ${op.id}: { method: '${op.method}', path: ${quote(op.path)}, body: ${
        op.body !== undefined
      }${op.text ? ', text: true' : ''} },`,
  );
  const methods = operations.map(op => {
    const request = requestType(op);
    const param = request
      ? `request: ${inputName(op)}${request.optional ? ' = {}' : ''}`
      : '';
    const comment = op.description ? `  /** ${op.description} */\n` : '';
    return `${comment}  ${op.id}(${param}): Promise<${
      op.response
    }> {\n    return this.call(operations.${op.id}, ${
      request ? 'request' : '{}'
    });\n  }\n`;
  });
  return `${HEADER}
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
${importTypes([...used].sort(), './models')}

${requests.filter(Boolean).join('\n')}
/** Method, path template and whether a JSON body is sent, per operation. */
const operations = {
${table.join('\n')}
} as const;

type Call = { path?: Record<string, string>; query?: Record<string, string | number | boolean | undefined>; body?: object };

/** The previews backend's REST API: one typed method per operation of its OpenAPI spec. */
export class PreviewsRestClient {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

${methods.join('\n')}
  private async call<T>(operation: { method: string; path: string; body: boolean; text?: boolean }, request: Call): Promise<T> {
    const path = operation.path.replace(/\\{(\\w+)\\}/g, (_, name: string) => encodeURIComponent(request.path![name]));
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query.set(name, String(value));
    }
    const search = query.toString();
    const init: RequestInit = { method: operation.method };
    if (operation.body) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(request.body ?? {});
    }
    const baseUrl = await this.discoveryApi.getBaseUrl('previews');
    const response = await this.fetchApi.fetch(\`\${baseUrl}\${path}\${search ? \`?\${search}\` : ''}\`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    // A text answer may be a stream that never ends (a followed log): its reader is the caller's.
    if (operation.text) return response as T;
    return (await response.json()) as T;
  }
}
`;
}

/** `createPreview` → `CreatePreviewInput`: the path parameters, query and body of one call. */
function inputName(op: Operation): string {
  return `${op.id[0].toUpperCase()}${op.id.slice(1)}Input`;
}

function importTypes(names: string[], from: string): string {
  const flat = `import type { ${names.join(', ')} } from '${from}';`;
  return flat.length <= 110
    ? flat
    : `import type {\n${names
        .map(n => `  ${n},`)
        .join('\n')}\n} from '${from}';`;
}

/** The main file's text, then each part's, as read under `root`. */
export function readSpecTexts(root: string): string[] {
  return [SPEC_PATH, ...SPEC_PARTS].map(path =>
    readFileSync(join(root, path), 'utf8'),
  );
}

/** One document of the main file and its parts (a path or schema named twice is an error). */
function mergeParts(texts: string[]): JsonObject {
  const [mainDoc, ...parts] = texts.map(text => parse(text) as JsonObject);
  const paths = { ...(mainDoc.paths as JsonObject) };
  const components = mainDoc.components as JsonObject;
  const schemas = { ...(components.schemas as JsonObject) };
  for (const part of parts) {
    for (const [into, from] of [
      [paths, (part.paths ?? {}) as JsonObject],
      [
        schemas,
        ((part.components as JsonObject | undefined)?.schemas ??
          {}) as JsonObject,
      ],
    ]) {
      for (const [name, value] of Object.entries(from)) {
        if (name in into) throw new Error(`The spec defines ${name} twice`);
        into[name] = value;
      }
    }
  }
  return { ...mainDoc, paths, components: { ...components, schemas } };
}

/** Every generated file (repository-relative path → content) from the spec's texts (main file first). */
export function generate(specTexts: string | string[]): Record<string, string> {
  const doc = mergeParts(
    typeof specTexts === 'string' ? [specTexts] : specTexts,
  );
  return {
    ...backendSpec(doc),
    [CLIENT_MODELS]: models(doc),
    [CLIENT]: client(doc),
  };
}

/** Writes the generated files of the spec under `root` into `target` (default: `root` itself). */
export function writeGenerated(root: string, target = root): string[] {
  const files = generate(readSpecTexts(root));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), content);
  }
  return Object.keys(files);
}

/** The checked-in generated files under `root` that differ from fresh ones, written to `fresh`. */
export function staleFiles(root: string, fresh: string): string[] {
  return writeGenerated(root, fresh).filter(path => {
    const current = existsSync(join(root, path))
      ? readFileSync(join(root, path), 'utf8')
      : undefined;
    return current !== readFileSync(join(fresh, path), 'utf8');
  });
}

function main(root: string, check: boolean): number {
  if (!check) {
    console.log(`Wrote ${writeGenerated(root).join(', ')}`);
    return 0;
  }
  const fresh = mkdtempSync(join(tmpdir(), 'previews-openapi-'));
  const stale = staleFiles(root, fresh);
  if (stale.length) {
    console.error(
      `Stale generated files (run yarn openapi:generate):\n  ${stale.join(
        '\n  ',
      )}\nFresh copies: ${fresh}`,
    );
    return 1;
  }
  console.log('The generated OpenAPI files are up to date.');
  return 0;
}

if (process.argv[1]?.endsWith('generateOpenApi.ts')) {
  process.exitCode = main(process.cwd(), process.argv.includes('--check'));
}
