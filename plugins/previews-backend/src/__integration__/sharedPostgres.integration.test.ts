import request from 'supertest';
import { startTestBackend } from '@backstage/backend-test-utils';
import type { KubeConfig } from '@kubernetes/client-node';
import knexFactory from 'knex';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { sharedDatabaseName } from '../engines/kubernetes/SharedPostgres';
import { waitFor } from '../testUtils';
import { run, startBackend } from './__testUtils__/databasesBackend';

// Per-preview databases on a shared PostgreSQL server in the real test
// cluster (previews.databases.postgres.shared).

// the shared server's pull and start, then a preview's deploy, seed and destroy; a loaded CI machine is slow
jest.setTimeout(360_000);

describe('per-preview databases on a shared PostgreSQL server', () => {
  // The shared server runs in the cluster, like a team's shared database
  // server would: the backend reaches it by its ClusterIP (kube-proxy), the
  // preview's pods by its Service name.
  const sharedNamespace = `shared-pg-${run}`;
  const sharedPassword = `shared-${run}`;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let host: string;
  let admin: ReturnType<typeof knexFactory>;

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({
      body: { metadata: { name: sharedNamespace } },
    });
    const labels = { app: 'postgres' };
    await waitFor('the shared server pod to be accepted', async () =>
      kc
        .makeApiClient(k8s.AppsV1Api)
        .createNamespacedDeployment({
          namespace: sharedNamespace,
          body: {
            metadata: { name: 'postgres' },
            spec: {
              selector: { matchLabels: labels },
              template: {
                metadata: { labels },
                spec: {
                  containers: [
                    {
                      name: 'postgres',
                      image: 'postgres:16',
                      env: [
                        { name: 'POSTGRES_PASSWORD', value: sharedPassword },
                      ],
                      ports: [{ containerPort: 5432, protocol: 'TCP' }],
                      readinessProbe: {
                        tcpSocket: { port: 5432 },
                        periodSeconds: 1,
                      },
                    },
                  ],
                },
              },
            },
          },
        })
        .then(() => true),
    );
    const service = await core.createNamespacedService({
      namespace: sharedNamespace,
      body: {
        metadata: { name: 'postgres' },
        spec: { selector: labels, ports: [{ port: 5432, protocol: 'TCP' }] },
      },
    });
    host = service.spec!.clusterIP!;
    admin = knexFactory({
      client: 'pg',
      connection: {
        host,
        port: 5432,
        user: 'postgres',
        password: sharedPassword,
        database: 'postgres',
      },
      pool: { min: 0, max: 1 },
    });
    await waitFor(
      'the shared server to answer',
      async () => (await admin.raw('SELECT 1 AS ok')).rows[0].ok === 1,
      120_000,
    );
    backend = await startBackend(kubeconfig, {
      postgres: {
        shared: {
          host,
          port: 5432,
          user: 'postgres',
          password: sharedPassword,
          hostInCluster: `postgres.${sharedNamespace}.svc.cluster.local`,
        },
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await admin?.destroy();
    await kc
      .makeApiClient(k8s.CoreV1Api)
      .deleteNamespace({ name: sharedNamespace })
      .catch(() => undefined);
  });

  const databaseExists = async (name: string) =>
    (await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]))
      .rows.length === 1;
  const roleExists = async (name: string) =>
    (await admin.raw('SELECT 1 FROM pg_roles WHERE rolname = ?', [name])).rows
      .length === 1;

  it('creates the preview database and role on the shared server and drops them on destroy', async () => {
    const res = await request(backend.server)
      .post('/api/previews/previews')
      .send({
        entityRef: 'component:default/seed-shared',
        branch: `seed/shared-${run}`,
      });
    expect(res.status).toBe(201);
    const preview: Preview = res.body;
    const name = sharedDatabaseName(preview.id);
    expect(await databaseExists(name)).toBe(true);
    expect(await roleExists(name)).toBe(true);

    // The preview connects as its own role, with its own password, to its own database.
    const secret = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedSecret({ name: 'postgres', namespace: preview.name });
    const data = Object.fromEntries(
      Object.entries(secret.data!).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString(),
      ]),
    );
    expect(data).toMatchObject({
      host: `postgres.${sharedNamespace}.svc.cluster.local`,
      database: name,
      user: name,
    });
    const own = knexFactory({
      client: 'pg',
      connection: {
        host,
        port: 5432,
        user: name,
        password: data.password,
        database: name,
      },
      pool: { min: 0, max: 1 },
    });
    try {
      expect(
        (await own.raw('SELECT current_database() AS db')).rows[0].db,
      ).toBe(name);
    } finally {
      await own.destroy();
    }
    await expect(
      kc.makeApiClient(k8s.AppsV1Api).readNamespacedStatefulSet({
        name: 'postgres',
        namespace: preview.name,
      }),
    ).rejects.toMatchObject({ code: 404 });
    const ready = await waitFor('the seed status to be ready', async () => {
      const p: Preview = (
        await request(backend.server).get(
          `/api/previews/previews/${preview.id}`,
        )
      ).body;
      return p.seed?.phase === 'ready' ? p : undefined;
    });
    expect(ready.seed?.generation).toBe(1);

    const destroyed = await request(backend.server).delete(
      `/api/previews/previews/${preview.id}`,
    );
    expect(destroyed.status).toBe(202);
    await waitFor('the preview to be destroyed', async () => {
      const p: Preview = (
        await request(backend.server).get(
          `/api/previews/previews/${preview.id}`,
        )
      ).body;
      return p.status === 'destroyed';
    });
    expect(await databaseExists(name)).toBe(false);
    expect(await roleExists(name)).toBe(false);
  });
});
