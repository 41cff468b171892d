import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import type { KubeConfig } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import {
  secondTestKubeconfigPath,
  testKubeconfigPath,
} from '@backstage-previews/test/cluster/testCluster';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { previewComponent, waitFor } from '../testUtils';

// Two real test clusters: a spec or the entity names the cluster, the
// default cluster comes from config, and each cluster is tracked.

jest.setTimeout(120_000);
const run = Date.now().toString(36);

function component(
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
): Entity {
  return previewComponent(name, {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [{ name: 'web', image: 'registry.local/demo:1', port: 80 }],
      ...spec,
    }),
    ...annotations,
  });
}

const entities = [
  component('anywhere', {}),
  component('elsewhere', { cluster: 'second' }),
  component('annotated', {}, { 'backstage-previews.io/cluster': 'second' }),
  component('nowhere', { cluster: 'mars' }),
];

describe('previews in several clusters', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  const kcs: Record<string, KubeConfig> = {};

  beforeAll(async () => {
    k8s = await loadK8s();
    const files = {
      main: testKubeconfigPath(),
      second: secondTestKubeconfigPath(),
    };
    for (const [name, file] of Object.entries(files)) {
      kcs[name] = new k8s.KubeConfig();
      kcs[name].loadFromFile(file);
    }
    backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            previews: {
              orphanSweep: { enabled: false },
              kubernetes: {
                defaultCluster: 'main',
                clusters: [
                  { name: 'main', kubeconfig: files.main },
                  { name: 'second', kubeconfig: files.second },
                ],
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  const namespaceIn = async (cluster: string, name: string) =>
    kcs[cluster]
      .makeApiClient(k8s.CoreV1Api)
      .readNamespace({ name })
      .then(
        () => true,
        e => (e.code === 404 ? false : Promise.reject(e)),
      );

  it.each([
    ['anywhere', 'main', 'second'],
    ['elsewhere', 'second', 'main'],
    ['annotated', 'second', 'main'],
  ])(
    'runs %s in cluster %s only, tracks it there and destroys it',
    async (entity, inCluster, notIn) => {
      const res = await request(backend.server)
        .post('/api/previews/previews')
        .send({
          entityRef: `component:default/${entity}`,
          branch: `mc-${run}`,
        });
      expect(res.status).toBe(201);
      const preview: Preview = res.body;
      expect(await namespaceIn(inCluster, preview.name)).toBe(true);
      expect(await namespaceIn(notIn, preview.name)).toBe(false);

      await waitFor('ready', async () => {
        const p = (
          await request(backend.server).get(
            `/api/previews/previews/${preview.id}`,
          )
        ).body;
        return p.status === 'ready' ? p : undefined;
      });
      await request(backend.server).delete(
        `/api/previews/previews/${preview.id}`,
      );
      await waitFor('destroyed', async () => {
        const p = (
          await request(backend.server).get(
            `/api/previews/previews/${preview.id}`,
          )
        ).body;
        return p.status === 'destroyed' ? p : undefined;
      });
      expect(await namespaceIn(inCluster, preview.name)).toBe(false);
    },
  );

  it('refuses a spec naming an unknown cluster and records nothing', async () => {
    const res = await request(backend.server)
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/nowhere', branch: `mc-${run}` });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Unknown cluster "mars"; configured clusters: main, second',
    );
    const list = await request(backend.server).get(
      '/api/previews/previews?entityRef=component:default/nowhere&includeDestroyed=true',
    );
    expect(list.body.items).toEqual([]);
  });
});
