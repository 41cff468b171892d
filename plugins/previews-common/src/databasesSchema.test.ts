import { PreviewSpec } from './spec';
import { PreviewSpecError, validatePreviewSpec } from './validatePreviewSpec';

const api = { name: 'api', image: 'ghcr.io/acme/orders:{sha}', port: 8080 };

function problemsOf(value: unknown): string[] {
  try {
    validatePreviewSpec(value);
  } catch (e) {
    if (e instanceof PreviewSpecError) return e.problems;
    throw e;
  }
  return [];
}

describe('databases in the preview spec', () => {
  const valid: Array<[string, PreviewSpec]> = [
    [
      'postgres with defaults',
      { workloads: [api], databases: { postgres: {} } },
    ],
    [
      'postgres with a dump seed and a migration',
      {
        workloads: [api],
        databases: {
          postgres: {
            version: '15',
            storage: '2Gi',
            database: 'orders',
            user: 'orders_app',
            env: 'ORDERS_DB',
            seed: { dump: 'db/seed/orders.sql', format: 'sql', version: 'v3' },
            migrate: { workload: 'api', command: ['npm', 'run', 'migrate'] },
          },
        },
      },
    ],
    [
      'a volume of exactly the maximum',
      {
        workloads: [api],
        databases: {
          postgres: { storage: '20Gi' },
          mongodb: { storage: '21474836k' },
        },
      },
    ],
    [
      'a seed URL',
      {
        workloads: [api],
        databases: {
          postgres: { seed: { url: 'https://dumps.example.com/o.dump' } },
        },
      },
    ],
    [
      'a seed image',
      {
        workloads: [api],
        databases: {
          postgres: { seed: { image: 'ghcr.io/acme/orders-db:2026-11' } },
        },
      },
    ],
    [
      'redis and mongodb with images',
      {
        workloads: [api],
        databases: {
          redis: { image: 'redis:7-alpine' },
          mongodb: { version: '7', database: 'shop' },
        },
      },
    ],
  ];
  it.each(valid)('accepts %s', (_, spec) => {
    expect(validatePreviewSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  const invalid: Array<[string, unknown, string]> = [
    [
      'two seed sources',
      {
        workloads: [api],
        databases: {
          postgres: { seed: { dump: 'a.sql', url: 'https://x/a.sql' } },
        },
      },
      'databases.postgres.seed must have exactly one of dump, url and image (it has dump and url)',
    ],
    [
      'an empty seed',
      { workloads: [api], databases: { postgres: { seed: {} } } },
      'databases.postgres.seed must have exactly one of dump, url and image',
    ],
    [
      'a migrate workload that does not exist',
      {
        workloads: [api],
        databases: {
          postgres: { migrate: { workload: 'web', command: ['migrate'] } },
        },
      },
      'databases.postgres.migrate.workload must name a workload; there is no workload "web"',
    ],
    [
      'a migrate without a command',
      {
        workloads: [api],
        databases: { postgres: { migrate: { workload: 'api' } } },
      },
      'databases.postgres.migrate.command is required',
    ],
    [
      'a dump path leaving the repository',
      {
        workloads: [api],
        databases: { postgres: { seed: { dump: '../secrets.sql' } } },
      },
      'databases.postgres.seed.dump must be a path inside the repository, without a leading "/" or ".." segments',
    ],
    [
      'an upper-case database name',
      { workloads: [api], databases: { postgres: { database: 'Orders' } } },
      'databases.postgres.database must consist of lower-case letters, digits and "_", not starting with a digit',
    ],
    [
      'a 10 Ti volume for postgres',
      { workloads: [api], databases: { postgres: { storage: '10Ti' } } },
      'databases.postgres.storage 10Ti is more than the maximum of 20Gi',
    ],
    [
      'a volume just over the maximum for mongodb',
      { workloads: [api], databases: { mongodb: { storage: '21475000k' } } },
      'databases.mongodb.storage 21475000k is more than the maximum of 20Gi',
    ],
    [
      'two services with the same env name',
      {
        workloads: [api],
        databases: { postgres: {}, redis: { env: 'DATABASE_URL' } },
      },
      'databases.redis.env must differ from databases.postgres.env (both are DATABASE_URL)',
    ],
    [
      'an unknown backing service',
      { workloads: [api], databases: { mysql: {} } },
      'databases.mysql is not a known field',
    ],
    [
      'a format for a seed image',
      {
        workloads: [api],
        databases: { postgres: { seed: { image: 'pg:1', format: 'sql' } } },
      },
      'databases.postgres.seed.format applies to dumps, not to a seed image',
    ],
    [
      'a seed URL that is not http',
      {
        workloads: [api],
        databases: { postgres: { seed: { url: 'file:///etc/passwd' } } },
      },
      'databases.postgres.seed.url must be an http(s) URL',
    ],
  ];
  it.each(invalid)('refuses %s', (_, value, problem) => {
    expect(problemsOf(value)).toContain(problem);
  });
});
