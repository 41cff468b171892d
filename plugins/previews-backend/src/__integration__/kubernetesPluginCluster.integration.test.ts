import type { KubeConfig } from '@kubernetes/client-node';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { DEMO_IMAGE } from '@backstage-previews/test/cluster/testImages';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { previewComponent } from '../testUtils';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';

// The cluster is configured once, for Backstage's Kubernetes plugin
// (kubernetes.clusterLocatorMethods, a service account token), and
// previews name it: a preview runs on the real test cluster through it.

jest.setTimeout(300_000);

const branch = `shared-${Date.now().toString(36)}`;

describe('previews on a cluster of the Kubernetes plugin', () => {
  let kc: KubeConfig;
  let t: PreviewsTestBackend;

  beforeAll(async () => {
    const k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(testKubeconfigPath());
    const cluster = kc.getCurrentCluster()!;
    t = await startPreviewsTestBackend({
      entities: [
        previewComponent('shared-cluster', {
          'backstage-previews.io/spec': JSON.stringify({
            workloads: [{ name: 'web', image: DEMO_IMAGE, port: 8080 }],
          }),
        }),
      ],
      rootConfig: {
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'test-cluster',
                  url: cluster.server,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: kc.getCurrentUser()!.token!,
                  caData: cluster.caData!,
                },
              ],
            },
          ],
        },
      },
      previews: { kubernetes: { kubernetesPluginCluster: 'test-cluster' } },
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('creates, serves and destroys a preview there', async () => {
    const created = await t.create('shared-cluster', branch);
    await t.waitForStatus(created.id, 'ready', 180_000);
    const core = kc.makeApiClient((await loadK8s()).CoreV1Api);
    const ns = await core.readNamespace({ name: created.name });
    expect(ns.metadata?.annotations?.['backstage-previews.io/branch']).toBe(
      branch,
    );
    const destroyed = await t.destroyAndWait(created.id);
    expect(destroyed.status).toBe('destroyed');
  });
});
