import { TestDatabases } from '@backstage/backend-test-utils';
import type { V1Pod } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { DEMO_IMAGE } from '@backstage-previews/test/cluster/testImages';
import { nodeContainerProcesses } from '@backstage-previews/test/cluster/nodeContainers';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { previewComponent } from '../testUtils';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';

// Pod Security `restricted`, the default, on the real node: what the kubelet
// and containerd start, an image that runs as root, and the spec's way out.
// (The v1.20 test apiserver has no Pod Security Admission: the namespace
// labels are checked in render tests; here, what the node does with the pods.)

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
// The test registry's pause image declares no user: it runs as root.
const ROOT_IMAGE = 'registry.local/pause:3.4.1';
const spec = (workloads: unknown[]) => ({
  'backstage-previews.io/spec': JSON.stringify({ workloads }),
});
const entities = [
  previewComponent(
    'web80',
    spec([
      { name: 'web', image: DEMO_IMAGE, port: 80, readinessPath: '/healthz' },
    ]),
  ),
  previewComponent('as-root', spec([{ name: 'app', image: ROOT_IMAGE }])),
  previewComponent(
    'as-user',
    spec([{ name: 'app', image: ROOT_IMAGE, runAsUser: 4242 }]),
  ),
];

describe('Pod Security restricted on the real node', () => {
  let t: PreviewsTestBackend;
  let kubeconfig: string;

  beforeAll(async () => {
    kubeconfig = testKubeconfigPath();
    t = await startPreviewsTestBackend({
      entities,
      knex: await databases.init('SQLITE_3'),
      previews: { kubernetes: { kubeconfig, progressDeadlineSeconds: 30 } },
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  const create = (entity: string) => t.create(entity, `psa-${run}`);
  const podsOf = async (namespace: string): Promise<V1Pod[]> => {
    const k8s = await loadK8s();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    return (
      await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace })
    ).items;
  };

  it('starts the app as a non-root user without privileges, serving port 80, and the preview becomes ready', async () => {
    const p = await create('web80');
    await t.waitForStatus(p.id, 'ready', 180_000);
    const [pod] = await podsOf(p.name);
    expect(pod.spec?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    // What containerd was told: the image's uid, no new privileges, no capabilities.
    expect(nodeContainerProcesses(p.name, kubeconfig).web).toEqual({
      uid: 10001,
      noNewPrivileges: true,
      capabilities: [],
    });
    await t.destroyAndWait(p.id);
  });

  it('shows an image that runs as root as degraded with the reason, and runs it as the workload runAsUser', async () => {
    const root = await create('as-root');
    const refused: Preview = await t.waitForStatus(
      root.id,
      'degraded',
      180_000,
    );
    expect(refused.statusMessage).toMatch(
      /CreateContainerConfigError|non-root|runAsNonRoot/,
    );
    expect(nodeContainerProcesses(root.name, kubeconfig).app).toBeUndefined();

    const user = await create('as-user');
    await t.waitForStatus(user.id, 'ready', 180_000);
    expect(nodeContainerProcesses(user.name, kubeconfig).app).toMatchObject({
      uid: 4242,
      noNewPrivileges: true,
    });
    await Promise.all([t.destroyAndWait(root.id), t.destroyAndWait(user.id)]);
  });
});
