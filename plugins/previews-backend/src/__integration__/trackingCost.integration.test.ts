import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { startCountingProxy } from '@backstage-previews/test/cluster/countingProxy';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { waitFor } from '../testUtils';

// Status tracking must cost the apiserver the same with 100 previews as
// with 10: one watch per kind, no request per preview per cycle. Counted by a
// proxy in front of the real test cluster's apiserver.

jest.setTimeout(600_000);

const RECONCILE_SECONDS = 1;
const WINDOW_MS = 6_000;
const run = Date.now().toString(36);

const tiny: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'tiny',
    namespace: 'default',
    annotations: {
      'backstage-previews.io/enabled': 'true',
      // No pods: one node holds 110, and what is measured is the tracking of
      // 100 previews' objects (their Deployments are Available at 0 replicas).
      'backstage-previews.io/spec': JSON.stringify({
        workloads: [
          {
            name: 'web',
            image: 'registry.local/demo:1',
            port: 80,
            replicas: 0,
          },
        ],
      }),
    },
  },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
};

describe('status tracking cost', () => {
  it('does not grow per preview per cycle (10 vs 100 previews)', async () => {
    const proxy = await startCountingProxy(testKubeconfigPath());
    const backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        // The real scheduler, so the reconcile runs every second during the window.
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities: [tiny] }),
        mockServices.rootConfig.factory({
          data: {
            previews: {
              reconcileIntervalSeconds: RECONCILE_SECONDS,
              orphanSweep: { enabled: false },
              kubernetes: {
                cluster: {
                  name: 'counted',
                  url: proxy.url,
                  skipTLSVerify: true,
                },
              },
            },
          },
        }),
      ],
    });
    const api = () => request(backend.server);
    const created: Preview[] = [];
    const countAt = async (n: number) => {
      while (created.length < n) {
        const res = await api()
          .post('/api/previews/previews')
          .send({
            entityRef: 'component:default/tiny',
            branch: `cost-${run}-${created.length}`,
          });
        expect(res.status).toBe(201);
        created.push(res.body);
      }
      await waitFor(
        `${n} previews to be ready`,
        async () => {
          const list = await api()
            .get('/api/previews/previews')
            .query({ entityRef: 'component:default/tiny' });
          return (
            list.body.items.filter((p: Preview) => p.status === 'ready')
              .length >= n
          );
        },
        300_000,
      );
      proxy.reset();
      await new Promise(r => setTimeout(r, WINDOW_MS));
      return proxy.requests();
    };

    try {
      const at10 = await countAt(10);
      const at100 = await countAt(100);
      const cycles = WINDOW_MS / 1000 / RECONCILE_SECONDS;
      // eslint-disable-next-line no-console
      console.log(
        `apiserver requests in ${WINDOW_MS} ms of tracking: ${at10.length} with 10 previews, ${at100.length} with 100`,
      );
      // Not one request per preview per reconcile cycle...
      expect(at100.length).toBeLessThan(100 * cycles * 0.1);
      // ...and no more with 100 previews than with 10, give or take a re-opened watch.
      expect(at100.length).toBeLessThanOrEqual(at10.length + 4);
      // Whatever there is, is watches and lists of whole kinds, never per-namespace reads.
      for (const r of at100)
        expect(r.path).not.toMatch(/\/namespaces\/[^/]+\/(deployments|pods)/);
    } finally {
      await Promise.all(
        created.map(p => api().delete(`/api/previews/previews/${p.id}`)),
      );
      await waitFor(
        'every cost preview to be destroyed',
        async () => {
          const list = await api()
            .get('/api/previews/previews')
            .query({ entityRef: 'component:default/tiny' });
          return list.body.items.length === 0;
        },
        300_000,
      );
      await backend.stop();
      await proxy.close();
    }
  });
});
