import request from 'supertest';
import { Knex } from 'knex';
import { mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { KubeConfig } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '../../../test/cluster/testCluster';
import { DEMO_IMAGE } from '../../../test/cluster/testImages';
import { previewsPlugin } from './plugin';
import { loadK8s } from './engines/kubernetes/loadKubeConfig';
import { previewComponent, waitFor } from './testUtils';

// A destroy is reported from the cluster watch, not found later by the
// periodic reconcile: here the reconcile runs once an hour.

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });
const entities = [previewComponent('gone', { 'backstage-previews.io/spec': JSON.stringify({ workloads: [{ name: 'web', image: DEMO_IMAGE, port: 80 }] }) })];

describe('destroy on the real test cluster, without a periodic reconcile', () => {
  let kc: KubeConfig;
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    const k8s = await loadK8s();
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
          data: {
            previews: {
              baseDomain: 'previews.test',
              urlScheme: 'http',
              reconcileIntervalSeconds: 3600,
              orphanSweep: { enabled: false },
              kubernetes: { kubeconfig },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const api = () => request(backend.server);
  const statusOf = async (id: string): Promise<Preview> => (await api().get(`/api/previews/previews/${id}`)).body;

  it('reports destroyed once the namespace is gone, for previews with running pods', async () => {
    const k8s = await loadK8s();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    for (let i = 0; i < 1; i++) {
      const res = await api().post('/api/previews/previews').send({ entityRef: 'component:default/gone', branch: `gone-${run}-${i}` });
      expect(res.status).toBe(201);
      const preview: Preview = res.body;
      await waitFor('ready', async () => (await statusOf(preview.id)).status === 'ready', 120_000);
      const t = Date.now();
      await api().delete(`/api/previews/previews/${preview.id}`).expect(202);
      await waitFor('namespace gone', () => core.readNamespace({ name: preview.name }).then(() => false, (e: any) => e?.code === 404), 120_000);
      const nsGone = Date.now() - t;
      // The reconcile would find it only in an hour: only the watch can report it within the wait.
      await waitFor('destroyed', async () => (await statusOf(preview.id)).status === 'destroyed', 60_000);
      // eslint-disable-next-line no-console
      console.log(`namespace gone after ${nsGone} ms, destroyed after ${Date.now() - t} ms`);
    }
  });
});
