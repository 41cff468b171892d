import { TestDatabases } from '@backstage/backend-test-utils';
import type { KubeConfig } from '@kubernetes/client-node';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { DEMO_IMAGE } from '@backstage-previews/test/cluster/testImages';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { previewComponent, waitFor } from '../testUtils';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';

// A destroy is reported from the cluster watch, not found later by the
// periodic reconcile: here the reconcile runs once an hour.

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const entities = [
  previewComponent('gone', {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [{ name: 'web', image: DEMO_IMAGE, port: 80 }],
    }),
  }),
];

describe('destroy on the real test cluster, without a periodic reconcile', () => {
  let kc: KubeConfig;
  let t: PreviewsTestBackend;

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    const k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    t = await startPreviewsTestBackend({
      entities,
      knex: await databases.init('SQLITE_3'),
      previews: { reconcileIntervalSeconds: 3600, kubernetes: { kubeconfig } },
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('reports destroyed once the namespace is gone, for a preview with a running pod', async () => {
    const k8s = await loadK8s();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const preview = await t.create('gone', `gone-${run}`);
    await t.waitForStatus(preview.id, 'ready');
    const start = Date.now();
    await t.api().delete(`/api/previews/previews/${preview.id}`).expect(202);
    await waitFor('namespace gone', () =>
      core.readNamespace({ name: preview.name }).then(
        () => false,
        (e: any) => e?.code === 404,
      ),
    );
    const nsGone = Date.now() - start;
    // The reconcile would find it only in an hour: only the watch can report it within the wait.
    await expect(
      t.waitForStatus(preview.id, 'destroyed', 60_000),
    ).resolves.toMatchObject({ id: preview.id, status: 'destroyed' });
    // eslint-disable-next-line no-console
    console.log(
      `namespace gone after ${nsGone} ms, destroyed after ${
        Date.now() - start
      } ms`,
    );
  });
});
