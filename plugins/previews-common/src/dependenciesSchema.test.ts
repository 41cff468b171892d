import { PreviewSpecError, validatePreviewSpec } from './validatePreviewSpec';

const workloads = [
  { name: 'web', image: 'registry.local/shop:{branch}', port: 8080 },
];

function problemsOf(spec: unknown): string[] {
  try {
    validatePreviewSpec(spec);
    return [];
  } catch (e) {
    if (e instanceof PreviewSpecError) return e.problems;
    throw e;
  }
}

describe('dependency fields of the preview spec', () => {
  it.each<[string, object]>([
    ['a staging URL', { stagingUrl: 'https://orders.staging.example.com/api' }],
    [
      'a dependency by name with an env',
      { dependencies: { 'orders-api': { env: 'SERVICE_B_URL' } } },
    ],
    [
      'a dependency by ref without env',
      { dependencies: { 'component:default/orders-api': {} } },
    ],
    [
      'a dependency by namespace/name',
      { dependencies: { 'shop/orders-api': { env: 'ORDERS' } } },
    ],
    [
      'both',
      {
        stagingUrl: 'http://orders.staging:8080',
        dependencies: { 'orders-api': {}, payments: { env: 'PAY_URL' } },
      },
    ],
  ])('accepts %s', (_, fields) => {
    expect(problemsOf({ workloads, ...fields })).toEqual([]);
  });

  it.each<[string, object, string]>([
    [
      'a staging URL that is not http(s)',
      { stagingUrl: 'ftp://x' },
      'stagingUrl must be an http(s) URL',
    ],
    [
      'a staging URL with spaces',
      { stagingUrl: 'https://a b' },
      'stagingUrl must be an http(s) URL',
    ],
    [
      'a staging URL that is not a string',
      { stagingUrl: 42 },
      'stagingUrl must be a string',
    ],
    [
      'an env that is not a variable name',
      { dependencies: { 'orders-api': { env: '1-URL' } } },
      'dependencies["orders-api"].env must be an environment variable name (letters, digits and "_", not starting with a digit)',
    ],
    [
      'an empty env',
      { dependencies: { 'orders-api': { env: '' } } },
      'dependencies["orders-api"].env must not be empty',
    ],
    [
      'an unknown field of a dependency',
      { dependencies: { 'orders-api': { url: 'http://x' } } },
      'dependencies["orders-api"].url is not a known field',
    ],
    [
      'a key that is no component name',
      { dependencies: { 'orders api': {} } },
      'dependencies key "orders api" must be a component name such as "orders-api" or an entity ref such as "component:default/orders-api"',
    ],
    [
      'a dependency that is not an object',
      { dependencies: { 'orders-api': 'ORDERS_URL' } },
      'dependencies["orders-api"] must be an object',
    ],
    [
      'a reserved env',
      { dependencies: { 'orders-api': { env: 'PREVIEW_HOST' } } },
      'dependencies["orders-api"].env PREVIEW_HOST is set by Backstage Previews and cannot be given',
    ],
    [
      'the same env twice',
      {
        dependencies: {
          'orders-api': { env: 'API_URL' },
          payments: { env: 'API_URL' },
        },
      },
      'dependencies["payments"].env must be unique ("API_URL" is also the env of dependency "orders-api")',
    ],
  ])('refuses %s', (_, fields, problem) => {
    expect(problemsOf({ workloads, ...fields })).toContain(problem);
  });
});
