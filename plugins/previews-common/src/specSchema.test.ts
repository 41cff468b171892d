import Ajv from 'ajv';
import {
  PreviewSpec,
  PreviewWorkloadSpec,
  PreviewSecretSpec,
  PreviewToleration,
  PreviewArgoCdSpec,
} from './spec';
import { PREVIEW_SPEC_PATTERN_HINTS, previewSpecSchema } from './specSchema';

/** True only when A and B have exactly the same keys. */
type SameKeys<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? true
    : false
  : false;

// The schema mirrors the types: these lines fail to compile when a field is
// added to one and not the other.
const mirrors: [
  SameKeys<PreviewSpec, typeof previewSpecSchema.properties>,
  SameKeys<
    PreviewWorkloadSpec,
    typeof previewSpecSchema.properties.workloads.items.properties
  >,
  SameKeys<
    PreviewSecretSpec,
    typeof previewSpecSchema.properties.secrets.items.properties
  >,
  SameKeys<
    PreviewToleration,
    typeof previewSpecSchema.properties.tolerations.items.properties
  >,
  SameKeys<
    PreviewArgoCdSpec,
    typeof previewSpecSchema.properties.argocd.properties
  >,
  SameKeys<
    NonNullable<PreviewArgoCdSpec['helm']>,
    typeof previewSpecSchema.properties.argocd.properties.helm.properties
  >,
] = [true, true, true, true, true, true];

/** Every sub-schema of a schema, with its path. */
function* walk(schema: any, path = '#'): Generator<[string, any]> {
  if (!schema || typeof schema !== 'object') return;
  yield [path, schema];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    yield* walk(sub, `${path}/properties/${key}`);
  }
  if (schema.items) yield* walk(schema.items, `${path}/items`);
  if (typeof schema.additionalProperties === 'object') {
    yield* walk(schema.additionalProperties, `${path}/additionalProperties`);
  }
}

describe('previewSpecSchema', () => {
  it('mirrors the TypeScript types', () => {
    expect(mirrors).toEqual([true, true, true, true, true, true]);
  });

  it('compiles as draft-07 in strict mode', () => {
    expect(previewSpecSchema.$schema).toBe(
      'http://json-schema.org/draft-07/schema#',
    );
    expect(() =>
      new Ajv({ strict: true }).compile(previewSpecSchema),
    ).not.toThrow();
  });

  it('closes every object: fixed fields forbid others, maps constrain their values', () => {
    for (const [path, s] of walk(previewSpecSchema)) {
      if (s.type !== 'object') continue;
      const [actual, wanted] = s.properties
        ? [s.additionalProperties, false]
        : [typeof s.additionalProperties, 'object'];
      expect([path, actual]).toEqual([path, wanted]);
    }
  });

  it('explains every pattern it uses', () => {
    for (const [path, s] of walk(previewSpecSchema)) {
      for (const pattern of [s.pattern, s.propertyNames?.pattern].filter(
        Boolean,
      )) {
        expect([path, PREVIEW_SPEC_PATTERN_HINTS[pattern]]).toEqual([
          path,
          expect.any(String),
        ]);
      }
    }
  });

  it.each([
    [
      'cpu',
      ['1', '0.5', '.5', '250m', '2000m'],
      ['100Mi', '1k', 'm', '-1', '1 m', ''],
    ],
    [
      'memory',
      ['128Mi', '1Gi', '1G', '500M', '1000000', '1.5Gi'],
      ['128m', '1gi', 'Mi', '1 Gi', ''],
    ],
  ] as const)('%s quantities', (field, good, bad) => {
    const pattern = new RegExp(
      previewSpecSchema.properties.workloads.items.properties.resources.properties.requests.properties[
        field
      ].pattern,
      'u',
    );
    for (const q of good) expect([q, pattern.test(q)]).toEqual([q, true]);
    for (const q of bad) expect([q, pattern.test(q)]).toEqual([q, false]);
  });
});
