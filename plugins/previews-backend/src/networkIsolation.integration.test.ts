import request from 'supertest';
import { Writable } from 'node:stream';
import { Knex } from 'knex';
import { mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { KubeConfig, V1Pod, V1Status } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '../../../test/cluster/testCluster';
import { DEMO_IMAGE } from '../../../test/cluster/testImages';
import { previewsPlugin } from './plugin';
import { loadK8s } from './engines/kubernetes/loadKubeConfig';
import { NETWORK_POLICY_NAME } from './engines/kubernetes/renderNetworking';
import { previewComponent, waitFor } from './testUtils';

// Packets between previews on the real node: a pod of one preview cannot
// connect to another preview's database, while its own answers. The test
// node enforces NetworkPolicy ingress rules (test/cluster/addons/networkPolicies.ts);
// without the preview's policy the same connection goes through.

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });
const withPostgres = { workloads: [{ name: 'web', image: DEMO_IMAGE, port: 8080, readinessPath: '/healthz' }], databases: { postgres: {} } };
const entities = [
  previewComponent('shop', { 'backstage-previews.io/spec': JSON.stringify(withPostgres) }),
  previewComponent('billing', { 'backstage-previews.io/spec': JSON.stringify(withPostgres) }),
];

describe('network isolation between previews on the real node', () => {
  let knex: Knex;
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        previewsPlugin,
        mockServices.scheduler.factory(),
        catalogServiceMock.factory({ entities }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { previews: { baseDomain: 'previews.test', urlScheme: 'http', reconcileIntervalSeconds: 2, orphanSweep: { enabled: false }, kubernetes: { kubeconfig } } },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const api = () => request(backend.server);
  const get = async (id: string): Promise<Preview> => (await api().get(`/api/previews/previews/${id}`)).body;
  const create = async (entity: string) => {
    const res = await api().post('/api/previews/previews').send({ entityRef: `component:default/${entity}`, branch: `net-${run}` });
    expect(res.status).toBe(201);
    return res.body as Preview;
  };
  const podOf = async (namespace: string, label: string): Promise<V1Pod> => {
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector: label });
    return pods.items.find(p => p.status?.phase === 'Running')!;
  };
  /** Runs a command in a container (through the kubelet); its exit code. */
  const exec = (pod: V1Pod, container: string, command: string[]) =>
    new Promise<number>((resolve, reject) => {
      const sink = () => new Writable({ write: (_c, _e, done) => done() });
      new k8s.Exec(kc)
        .exec(pod.metadata!.namespace!, pod.metadata!.name!, container, command, sink(), sink(), null, false, (status: V1Status) => {
          if (status.status === 'Success') resolve(0);
          else resolve(Number(status.details?.causes?.find(c => c.reason === 'ExitCode')?.message ?? 255));
        })
        .catch(reject);
    });
  // pg_isready: 0 accepting, 2 no response (a reset or refused connection)
  const pgIsReady = (from: V1Pod, host: string) => exec(from, 'postgres', ['pg_isready', '-h', host, '-p', '5432', '-t', '5']);

  // busybox nc: sends a line (PostgreSQL closes on it) and exits 0 once connected, 1 when refused
  const tcpConnect = (from: V1Pod, container: string, ip: string) => exec(from, container, ['sh', '-c', 'echo | nc -w 3 "$0" 5432', ip]);

  it("refuses a pod of one preview at another preview's database, and admits its own", async () => {
    const [shop, billing] = [await create('shop'), await create('billing')];
    for (const p of [shop, billing]) await waitFor(`${p.name} ready`, async () => (await get(p.id)).status === 'ready', 240_000);
    const shopDb = await podOf(shop.name, 'backstage-previews.io/database=postgres');
    const billingDb = await podOf(billing.name, 'backstage-previews.io/database=postgres');
    const billingWeb = await podOf(billing.name, 'backstage-previews.io/workload=web');

    // Its own database, by Service name and by pod IP: accepted.
    expect(await pgIsReady(shopDb, 'postgres')).toBe(0);
    expect(await pgIsReady(billingDb, 'postgres')).toBe(0);
    // The other preview's database, by its Service's name and by its pod's IP: no connection.
    expect(await pgIsReady(shopDb, `postgres.${billing.name}.svc.cluster.local`)).toBe(2);
    expect(await pgIsReady(shopDb, billingDb.status!.podIP!)).toBe(2);
    // The same from the other side, and from an app container.
    expect(await pgIsReady(billingDb, shopDb.status!.podIP!)).toBe(2);
    expect(await tcpConnect(billingWeb, 'web', shopDb.status!.podIP!)).not.toBe(0);
    expect(await tcpConnect(billingWeb, 'web', billingDb.status!.podIP!)).toBe(0);

    // Control: without billing's isolation policy the same connection goes through.
    await kc.makeApiClient(k8s.NetworkingV1Api).deleteNamespacedNetworkPolicy({ name: NETWORK_POLICY_NAME, namespace: billing.name });
    await waitFor('the connection once the policy is gone', async () => (await pgIsReady(shopDb, billingDb.status!.podIP!)) === 0, 30_000);

    for (const p of [shop, billing]) await api().delete(`/api/previews/previews/${p.id}`).expect(202);
    for (const p of [shop, billing]) await waitFor(`${p.name} destroyed`, async () => (await get(p.id)).status === 'destroyed', 240_000);
  });
});
