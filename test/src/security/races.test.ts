import request from 'supertest';
import { ConfigReader } from '@backstage/config';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsDefaultModules } from '../../../plugins/previews-backend/src/features';
import { previewsPlugin } from '../../../plugins/previews-backend/src/plugin';
import type { CoreV1Api } from '@kubernetes/client-node';
import { KubernetesEngine } from '../../../plugins/previews-backend/src/engines/kubernetes/KubernetesEngine';
import {
  loadClusters,
  loadK8s,
} from '../../../plugins/previews-backend/src/engines/shared/loadKubeConfig';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PREVIEW_ID_LABEL,
} from '../../../plugins/previews-backend/src/engines/shared/labels';
import { waitFor } from '../../../plugins/previews-backend/src/testUtils';
import { testKubeconfigPath } from '../../cluster/testCluster';
import { FaultyProxy, startFaultyProxy } from '../../cluster/faultyProxy';
import { DEMO_IMAGE } from '../../cluster/testImages';
import { secComponent } from './securityBackend';

// Races that could delete what they should not, run for real on the test
// cluster: the engine's request is held at a proxy in front of the
// apiserver while the other side happens, then let through.

jest.setTimeout(180_000);

const run = Date.now().toString(36);

describe('races on the real test cluster', () => {
  let proxy: FaultyProxy;
  let engine: KubernetesEngine;
  let core: CoreV1Api;
  const namespaces: string[] = [];

  beforeAll(async () => {
    proxy = await startFaultyProxy(testKubeconfigPath());
    const { clusters, defaultCluster } = await loadClusters(
      new ConfigReader({
        name: 'race',
        cluster: { url: proxy.url, skipTLSVerify: true },
      }),
    );
    engine = await KubernetesEngine.create({
      clusters,
      defaultCluster,
      logger: mockServices.logger.mock(),
    });
    const k8s = await loadK8s();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(testKubeconfigPath());
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    proxy.release();
    await Promise.all(
      namespaces.map(name =>
        core.deleteNamespace({ name }).catch(() => undefined),
      ),
    );
    await proxy.close();
  });

  const previewNamespace = (name: string, previewId: string) =>
    core.createNamespace({
      body: {
        metadata: {
          name,
          labels: {
            [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
            [PREVIEW_ID_LABEL]: previewId,
          },
        },
      },
    });

  it('a destroy while the create is still applying: what the create applied goes too, and the branch can be created again', async () => {
    const backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        catalogServiceMock.factory({
          entities: [
            secComponent('race-shop', {
              'backstage-previews.io/image': DEMO_IMAGE,
            }),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            previews: {
              reconcileIntervalSeconds: 2,
              orphanSweep: { enabled: false },
              kubernetes: {
                cluster: { name: 'race', url: proxy.url, skipTLSVerify: true },
              },
            },
          },
        }),
      ],
    });
    try {
      const api = () => request(backend.server);
      const entityRef = 'component:default/race-shop';
      const branch = `race-create-${run}`;
      // the create's first apply (its namespace) waits at the proxy
      proxy.hold(
        (method, path) =>
          method === 'PATCH' &&
          /^\/api\/v1\/namespaces\/race-shop-[^/]+$/.test(path),
      );
      const creating = api()
        .post('/api/previews/previews')
        .send({ entityRef, branch })
        .then(r => r);
      await waitFor(
        'the create to send its namespace',
        async () => proxy.held().length === 1,
        30_000,
      );
      const listed: Preview[] = (
        await api().get('/api/previews/previews').query({ entityRef })
      ).body.items;
      const preview = listed.find(p => p.branch === branch)!;
      namespaces.push(preview.name);
      expect(preview.status).toBe('provisioning');

      // the destroy finds no namespace yet
      const destroyed = await api().delete(
        `/api/previews/previews/${preview.id}`,
      );
      expect(destroyed.status).toBe(202);
      proxy.release();
      expect((await creating).status).toBe(201);

      await waitFor(
        'the namespace the create applied to be gone',
        () =>
          core.readNamespace({ name: preview.name }).then(
            () => false,
            () => true,
          ),
        120_000,
      );
      await waitFor(
        'the preview to be destroyed',
        async () =>
          (
            await api().get(`/api/previews/previews/${preview.id}`)
          ).body.status === 'destroyed',
        60_000,
      );
      const again = await api()
        .post('/api/previews/previews')
        .send({ entityRef, branch });
      expect(again.status).toBe(201);
      await api().delete(`/api/previews/previews/${again.body.id}`);
      await waitFor(
        'the second preview to be destroyed',
        async () =>
          (
            await api().get(`/api/previews/previews/${again.body.id}`)
          ).body.status === 'destroyed',
        120_000,
      );
    } finally {
      proxy.release();
      await backend.stop();
    }
  });

  it('a destroy whose namespace was replaced between its check and its delete leaves the new one alone', async () => {
    // A preview, destroyed; the same branch is created again (same name, new preview id)
    // while a late destroy of the first one is still on its way.
    const name = `race-ns-${run}`;
    namespaces.push(name);
    await previewNamespace(name, 'preview-a');
    proxy.hold(
      (method, path) =>
        method === 'DELETE' && path === `/api/v1/namespaces/${name}`,
    );
    const lateDestroy = engine.destroy({
      previewId: 'preview-a',
      name,
      entityRef: 'component:default/race',
      branch: 'b',
    });
    const outcome = lateDestroy.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await waitFor(
      'the destroy to check the namespace and send its delete',
      async () => proxy.held().length === 1,
      30_000,
    );

    // meanwhile: the first namespace goes, and the new preview's takes its name
    await core.deleteNamespace({ name });
    await waitFor(
      'the first namespace to be gone',
      () =>
        core.readNamespace({ name }).then(
          () => false,
          () => true,
        ),
      120_000,
    );
    const second = await previewNamespace(name, 'preview-b');

    proxy.release();
    expect(await outcome).toMatch(
      /was replaced while it was being destroyed; it was left alone/,
    );
    const now = await core.readNamespace({ name });
    expect(now.metadata?.uid).toBe(second.metadata?.uid);
    expect(now.metadata?.deletionTimestamp).toBeUndefined();
    expect(now.metadata?.labels?.[PREVIEW_ID_LABEL]).toBe('preview-b');
  });
});
