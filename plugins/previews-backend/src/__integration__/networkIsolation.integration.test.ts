import { Writable } from 'node:stream';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { KubeConfig, V1Pod, V1Status } from '@kubernetes/client-node';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { DEMO_IMAGE } from '@backstage-previews/test/cluster/testImages';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { NETWORK_POLICY_NAME } from '../engines/kubernetes/renderNetworking';
import { previewComponent, waitFor } from '../testUtils';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';

// Packets between previews on the real node: a pod of one preview cannot
// connect to another preview's database, while its own answers. The test
// node enforces NetworkPolicy ingress rules (test/cluster/addons/networkPolicies.ts);
// without the preview's policy the same connection goes through.

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const withPostgres = {
  workloads: [
    { name: 'web', image: DEMO_IMAGE, port: 8080, readinessPath: '/healthz' },
  ],
  databases: { postgres: {} },
};
const entities = [
  previewComponent('shop', {
    'backstage-previews.io/spec': JSON.stringify(withPostgres),
  }),
  previewComponent('billing', {
    'backstage-previews.io/spec': JSON.stringify(withPostgres),
  }),
];

describe('network isolation between previews on the real node', () => {
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let t: PreviewsTestBackend;

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    t = await startPreviewsTestBackend({
      entities,
      knex: await databases.init('SQLITE_3'),
      previews: { kubernetes: { kubeconfig } },
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  const podOf = async (namespace: string, label: string): Promise<V1Pod> => {
    const pods = await kc
      .makeApiClient(k8s.CoreV1Api)
      .listNamespacedPod({ namespace, labelSelector: label });
    return pods.items.find(p => p.status?.phase === 'Running')!;
  };
  /** Runs a command in a container (through the kubelet); its exit code. */
  const exec = (pod: V1Pod, container: string, command: string[]) =>
    new Promise<number>((resolve, reject) => {
      const sink = () => new Writable({ write: (_c, _e, done) => done() });
      new k8s.Exec(kc)
        .exec(
          pod.metadata!.namespace!,
          pod.metadata!.name!,
          container,
          command,
          sink(),
          sink(),
          null,
          false,
          (status: V1Status) => {
            if (status.status === 'Success') resolve(0);
            else
              resolve(
                Number(
                  status.details?.causes?.find(c => c.reason === 'ExitCode')
                    ?.message ?? 255,
                ),
              );
          },
        )
        .catch(reject);
    });
  // pg_isready: 0 accepting, 2 no response (a reset or refused connection)
  const pgIsReady = (from: V1Pod, host: string) =>
    exec(from, 'postgres', ['pg_isready', '-h', host, '-p', '5432', '-t', '5']);

  // busybox nc: sends a line (PostgreSQL closes on it) and exits 0 once connected, 1 when refused
  const tcpConnect = (from: V1Pod, container: string, ip: string) =>
    exec(from, container, ['sh', '-c', 'echo | nc -w 3 "$0" 5432', ip]);

  it("refuses a pod of one preview at another preview's database, and admits its own", async () => {
    const [shop, billing] = [
      await t.create('shop', `net-${run}`),
      await t.create('billing', `net-${run}`),
    ];
    for (const p of [shop, billing])
      await t.waitForStatus(p.id, 'ready', 240_000);
    const shopDb = await podOf(
      shop.name,
      'backstage-previews.io/database=postgres',
    );
    const billingDb = await podOf(
      billing.name,
      'backstage-previews.io/database=postgres',
    );
    const billingWeb = await podOf(
      billing.name,
      'backstage-previews.io/workload=web',
    );

    // Its own database, by Service name and by pod IP: accepted.
    expect(await pgIsReady(shopDb, 'postgres')).toBe(0);
    expect(await pgIsReady(billingDb, 'postgres')).toBe(0);
    // The other preview's database, by its Service's name and by its pod's IP: no connection.
    expect(
      await pgIsReady(shopDb, `postgres.${billing.name}.svc.cluster.local`),
    ).toBe(2);
    expect(await pgIsReady(shopDb, billingDb.status!.podIP!)).toBe(2);
    // The same from the other side, and from an app container.
    expect(await pgIsReady(billingDb, shopDb.status!.podIP!)).toBe(2);
    expect(await tcpConnect(billingWeb, 'web', shopDb.status!.podIP!)).not.toBe(
      0,
    );
    expect(await tcpConnect(billingWeb, 'web', billingDb.status!.podIP!)).toBe(
      0,
    );

    // Control: without billing's isolation policy the same connection goes through.
    await kc.makeApiClient(k8s.NetworkingV1Api).deleteNamespacedNetworkPolicy({
      name: NETWORK_POLICY_NAME,
      namespace: billing.name,
    });
    await waitFor(
      'the connection once the policy is gone',
      async () => (await pgIsReady(shopDb, billingDb.status!.podIP!)) === 0,
      30_000,
    );
    // The Service name resolves: the refusal by name above was the policy, not DNS.
    expect(
      await pgIsReady(shopDb, `postgres.${billing.name}.svc.cluster.local`),
    ).toBe(0);

    await Promise.all([shop, billing].map(p => t.destroyAndWait(p.id)));
  });
});
