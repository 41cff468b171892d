import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  UrlReaderService,
  UrlReaderServiceReadUrlResponse,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  PreviewEngine,
  previewsEnginesExtensionPoint,
} from '@backstage-previews/plugin-previews-node';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { privateRegistry } from '@backstage-previews/test/cluster/testImages';
import { previewsDefaultModules } from '../../features';
import { previewsPlugin } from '../../plugin';
import { previewComponent } from '../../testUtils';

// The backend the database integration tests start: components whose specs
// declare databases and seeds, their repository's files, an engine that runs
// no databases, and an auditor that records what it is told.

export const run = Date.now().toString(36);
export const SOURCE = 'url:https://github.com/acme/seed-orders/tree/main/';
export const ORDERS_SQL = readFileSync(
  resolve(__dirname, '../../../../../examples/seed/orders.sql'),
);

/** The component's repository, at any ref: the example dump and a dump too large for a ConfigMap. */
class RepoFiles implements UrlReaderService {
  readonly requested: string[] = [];
  async readUrl(url: string): Promise<UrlReaderServiceReadUrlResponse> {
    this.requested.push(url);
    if (url.endsWith('/db/orders.sql'))
      return { buffer: async () => ORDERS_SQL };
    if (url.endsWith('/db/huge.sql'))
      return { buffer: async () => Buffer.alloc(1024 * 1024, 'x') };
    if (url.endsWith('/db/orders.dump'))
      return { buffer: async () => customFormatDump() };
    throw new NotFoundError(`${url} not found`);
  }
  async readTree(): Promise<never> {
    throw new Error('not supported');
  }
  async search(): Promise<never> {
    throw new Error('not supported');
  }
}
export const repoFiles = new RepoFiles();

/** examples/seed/orders.sql as a custom-format dump, made by pg_dump -Fc from a scratch database of the test server. */
let customDump: Buffer | undefined;
function customFormatDump(): Buffer {
  if (customDump) return customDump;
  const server =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres:postgres@127.0.0.1:5432';
  const scratch = `seed_source_${run}`;
  execFileSync('psql', [
    `${server}/postgres`,
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    `CREATE DATABASE ${scratch}`,
  ]);
  try {
    execFileSync(
      'psql',
      [`${server}/${scratch}`, '-q', '-v', 'ON_ERROR_STOP=1'],
      { input: ORDERS_SQL },
    );
    customDump = execFileSync('pg_dump', [
      '-Fc',
      '--no-owner',
      `${server}/${scratch}`,
    ]);
  } finally {
    execFileSync('psql', [
      `${server}/postgres`,
      '-q',
      '-c',
      `DROP DATABASE IF EXISTS ${scratch}`,
    ]);
  }
  return customDump;
}

// A namespace holding the private registry's pull secret, copied into previews that name it.
export const SHARED_NAMESPACE = `seed-shared-secrets-${run}`;
const PRIVATE_SEED_IMAGE = `${
  privateRegistry().host
}/private/seeded-postgres:1`;
// Another private image that no pod of the node pulled: a kubelet runs a cached
// image without asking the registry again (imagePullPolicy IfNotPresent).
const NEVER_PULLED_IMAGE = `${
  privateRegistry().host
}/private/never-pulled-postgres:1`;
const pullSecret = [
  {
    name: 'regcred',
    copyFrom: { namespace: SHARED_NAMESPACE, name: 'regcred' },
  },
];

function spec(postgres: Record<string, unknown> | undefined) {
  return JSON.stringify({
    workloads: [{ name: 'api', image: 'registry.local/demo:1', port: 8080 }],
    ...(postgres ? { databases: { postgres } } : {}),
  });
}
const migrate = { workload: 'api', command: ['demo', 'migrate'] };
const entities = [
  previewComponent('seed-orders', {
    'backstage.io/source-location': SOURCE,
    'backstage-previews.io/spec': spec({
      database: 'orders',
      seed: { dump: 'db/orders.sql' },
      migrate,
    }),
  }),
  previewComponent('seed-broken', {
    'backstage-previews.io/spec': spec({
      // the test cluster's file server (pods reach nothing outside this machine)
      seed: {
        url: 'http://files.previews-fixtures.svc.cluster.local/files/orders.sql',
        version: 'v7',
      },
      migrate: {
        workload: 'api',
        command: [
          'sh',
          '-c',
          'echo Running 0001_init; echo \'ERROR: relation "orders" does not exist\'; exit 1',
        ],
      },
    }),
  }),
  previewComponent('seed-plain', {
    'backstage-previews.io/spec': spec(undefined),
  }),
  previewComponent('seed-custom', {
    'backstage.io/source-location': SOURCE,
    'backstage-previews.io/spec': spec({ seed: { dump: 'db/orders.dump' } }),
  }),
  previewComponent('seed-image', {
    'backstage-previews.io/spec': spec({
      seed: { image: 'seeded-postgres:1' },
    }),
  }),
  previewComponent('seed-private', {
    'backstage-previews.io/spec': JSON.stringify({
      ...JSON.parse(spec({ seed: { image: PRIVATE_SEED_IMAGE } })),
      secrets: pullSecret,
      imagePullSecrets: ['regcred'],
    }),
  }),
  previewComponent('with-redis', {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [{ name: 'api', image: 'registry.local/demo:1', port: 8080 }],
      databases: { redis: {} },
    }),
  }),
  previewComponent('seed-private-no-secret', {
    'backstage-previews.io/spec': spec({ seed: { image: NEVER_PULLED_IMAGE } }),
  }),
  previewComponent('seed-huge', {
    'backstage.io/source-location': SOURCE,
    'backstage-previews.io/spec': spec({ seed: { dump: 'db/huge.sql' } }),
  }),
  previewComponent('seed-shared', {
    'backstage-previews.io/spec': spec({ migrate }),
  }),
  previewComponent('seed-other-engine', {
    'backstage-previews.io/engine': 'no-databases',
    'backstage-previews.io/spec': spec({}),
  }),
];

/** An engine that does not run databases: it must never be asked to deploy them. */
export const deployedWithoutDatabases: string[] = [];
const noDatabasesEngine: PreviewEngine = {
  id: 'no-databases',
  async deploy(d) {
    deployedWithoutDatabases.push(d.name);
  },
  async destroy() {},
  async observe(t) {
    return { name: t.name, state: 'absent' };
  },
  async track() {
    return { stop: async () => {} };
  },
};
const noDatabasesEngineModule = createBackendModule({
  pluginId: 'previews',
  moduleId: 'no-databases-engine',
  register(env) {
    env.registerInit({
      deps: { engines: previewsEnginesExtensionPoint },
      async init({ engines }) {
        engines.addEngine(noDatabasesEngine);
      },
    });
  },
});

export const auditEvents: Array<{
  eventId: string;
  outcome?: 'success' | 'fail';
}> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async ({ eventId }) => {
    const record: (typeof auditEvents)[number] = { eventId };
    auditEvents.push(record);
    return {
      success: async () => {
        record.outcome = 'success';
      },
      fail: async () => {
        record.outcome = 'fail';
      },
    } as any;
  },
});

/** `previews.databases` of the backend's config. */
type DatabasesConfig = {
  postgres: {
    shared: {
      host: string;
      port: number;
      user: string;
      password: string;
      hostInCluster: string;
    };
  };
};

export async function startBackend(
  kubeconfig: string,
  databases?: DatabasesConfig,
) {
  const backend = await startTestBackend({
    features: [
      previewsPlugin,
      ...previewsDefaultModules,
      noDatabasesEngineModule,
      auditor.factory,
      catalogServiceMock.factory({ entities }),
      createServiceFactory({
        service: coreServices.urlReader,
        deps: {},
        factory: () => repoFiles,
      }),
      mockServices.rootConfig.factory({
        data: {
          previews: {
            reconcileIntervalSeconds: 2,
            kubernetes: {
              kubeconfig,
              secretSources: [
                { namespace: SHARED_NAMESPACE, names: ['regcred'] },
              ],
            },
            databases: databases ?? {},
          },
        },
      }),
    ],
  });
  return backend;
}
