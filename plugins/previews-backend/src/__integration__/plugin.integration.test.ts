import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type { KubeConfig } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';
import { previewName } from '../naming/previewName';
import { waitFor } from '../testUtils';
import { publishImage } from '@backstage-previews/test/cluster/testImages';

// Runs against the real test cluster (test/cluster/start.sh): a real
// kube-apiserver validates every object and real controllers roll them out,
// with the node agent standing in for the kubelet.

jest.setTimeout(120_000);

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
  };
}

const enabled = {
  'backstage-previews.io/enabled': 'true',
  'backstage-previews.io/image': 'registry.local/shop:{branch}',
  'backstage-previews.io/port': '8080',
};
const entities = [
  component('shop', enabled),
  component('plain', {}),
  component('broken', { ...enabled, 'backstage-previews.io/port': 'eighty' }),
];

// Each run gets its own branch names, so reruns against a long-lived cluster never collide.
const run = Date.now().toString(36);
const INSTALLATION = `plugin-it-${run}`;

// Records every audit event and how it ended.
const auditEvents: Array<{
  eventId: string;
  outcome?: 'success' | 'fail';
  status?: unknown;
}> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async ({ eventId }) => {
    const record: (typeof auditEvents)[number] = { eventId };
    auditEvents.push(record);
    return {
      success: async (o?: { meta?: Record<string, unknown> }) => {
        Object.assign(record, { outcome: 'success', status: o?.meta?.status });
      },
      fail: async (o: { meta?: Record<string, unknown> }) => {
        Object.assign(record, { outcome: 'fail', status: o.meta?.status });
      },
    } as any;
  },
});

describe('previews backend on the real test cluster', () => {
  let server: PreviewsTestBackend['backend']['server'];
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const backend = await startPreviewsTestBackend({
      entities,
      features: [auditor.factory],
      // Its own installation: "creates nothing" counts only this backend's namespaces (other files run beside it).
      previews: { kubernetes: { kubeconfig }, installationId: INSTALLATION },
    });
    server = backend.backend.server;
  });

  async function namespaceCount(selector: string) {
    const list = await kc
      .makeApiClient(k8s.CoreV1Api)
      .listNamespace({ labelSelector: selector });
    return list.items.length;
  }

  it('creates a preview, sees it become ready, destroys it until its namespace is gone', async () => {
    const branch = `feature/login-${run}`;
    await publishImage(`registry.local/shop:feature-login-${run}`);
    const created = await request(server)
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/shop', branch });
    expect(created.status).toBe(201);
    const preview: Preview = created.body;
    expect(preview).toMatchObject({
      entityRef: 'component:default/shop',
      branch,
      engine: 'kubernetes',
      status: 'provisioning',
    });
    expect(preview.name).toMatch(/^shop-feature-login-[a-z0-9]+-[0-9a-f]{8}$/);
    expect(preview.url).toBe(`http://${preview.name}.previews.test`);

    // The objects exist in the cluster as rendered, accepted by the apiserver.
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const ns = await core.readNamespace({ name: preview.name });
    expect(ns.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'backstage-previews',
      'app.kubernetes.io/instance': preview.id,
    });
    expect(ns.metadata?.annotations).toMatchObject({
      'backstage-previews.io/entity-ref': 'component:default/shop',
      'backstage-previews.io/branch': branch,
    });
    const deployment = await kc
      .makeApiClient(k8s.AppsV1Api)
      .readNamespacedDeployment({ name: 'app', namespace: preview.name });
    expect(deployment.spec?.template.spec?.containers[0].image).toBe(
      `registry.local/shop:feature-login-${run}`,
    );
    expect(deployment.metadata?.managedFields?.map(f => f.manager)).toContain(
      'backstage-previews',
    );
    const service = await core.readNamespacedService({
      name: 'app',
      namespace: preview.name,
    });
    expect(service.spec?.ports?.[0]).toMatchObject({
      port: 80,
      protocol: 'TCP',
    });
    const ingress = await kc
      .makeApiClient(k8s.NetworkingV1Api)
      .readNamespacedIngress({ name: 'preview', namespace: preview.name });
    expect(ingress.spec?.rules?.[0].host).toBe(`${preview.name}.previews.test`);

    // The real controllers roll the Deployment out; the tracker sees it.
    const ready = await waitFor('the preview to be ready', async () => {
      const res = await request(server).get(
        `/api/previews/previews/${preview.id}`,
      );
      return res.body.status === 'ready' ? (res.body as Preview) : undefined;
    });
    expect(ready.readyAt).toBeDefined();

    const listed = await request(server)
      .get('/api/previews/previews')
      .query({ entityRef: 'component:default/shop' });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: Preview) => p.id)).toContain(preview.id);

    // A second create for the same branch is refused while the first lives.
    const again = await request(server)
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/shop', branch });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already has a preview');

    const destroying = await request(server).delete(
      `/api/previews/previews/${preview.id}`,
    );
    expect(destroying.status).toBe(202);
    expect(destroying.body.status).toBe('destroying');
    // Destroy is idempotent.
    const twice = await request(server).delete(
      `/api/previews/previews/${preview.id}`,
    );
    expect(twice.status).toBe(202);

    const destroyed = await waitFor('the preview to be destroyed', async () => {
      const res = await request(server).get(
        `/api/previews/previews/${preview.id}`,
      );
      return res.body.status === 'destroyed'
        ? (res.body as Preview)
        : undefined;
    });
    expect(destroyed.destroyedAt).toBeDefined();
    // Destroyed is only reported once the namespace is really gone.
    await expect(
      core.readNamespace({ name: preview.name }),
    ).rejects.toMatchObject({ code: 404 });

    const after = await request(server)
      .get('/api/previews/previews')
      .query({ entityRef: 'component:default/shop' });
    expect(after.body.items.map((p: Preview) => p.id)).not.toContain(
      preview.id,
    );
  });

  it('refuses to take over a namespace it does not own, and changes nothing', async () => {
    const branch = `taken-${run}`;
    // Someone else's namespace that happens to have the preview's name.
    const name = previewName('component:default/shop', branch);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({
      body: { metadata: { name, labels: { team: 'someone-else' } } },
    });

    const res = await request(server)
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/shop', branch });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      'not managed by Backstage Previews',
    );
    const ns = await core.readNamespace({ name });
    expect(ns.metadata?.labels).toEqual(
      expect.objectContaining({ team: 'someone-else' }),
    );
    expect(
      ns.metadata?.labels?.['app.kubernetes.io/managed-by'],
    ).toBeUndefined();
    const list = await request(server)
      .get('/api/previews/previews')
      .query({ entityRef: 'component:default/shop' });
    expect(list.body.items.map((p: Preview) => p.branch)).not.toContain(branch);
    await core.deleteNamespace({ name });
  });

  it.each([
    [{ entityRef: 'component:default/shop', branch: '' }, /empty/],
    [{ entityRef: 'component:default/shop', branch: 'a..b' }, /"\.\."/],
    [
      { entityRef: 'component:default/shop', branch: 'x'.repeat(300) },
      /longer than 255/,
    ],
    [{ entityRef: 'not a ref', branch: 'main' }, /Invalid entityRef|non-empty/],
    [{ entityRef: 'api:default/shop', branch: 'main' }, /components only/],
    [
      { entityRef: 'component:default/nope', branch: 'main' },
      /No component component:default\/nope/,
    ],
    [{ entityRef: 'component:default/plain', branch: 'main' }, /not enabled/],
    [
      { entityRef: 'component:default/broken', branch: 'main' },
      /workloads\[0\]\.port must be an integer/,
    ],
    [
      { entityRef: 'component:default/shop', branch: 'main', extra: 1 },
      /Unknown fields/,
    ],
    [{ entityRef: 'component:default/shop' }, /branch must be a string/],
  ])('rejects %j with 400 and creates nothing', async (body, message) => {
    const before = await namespaceCount(
      `app.kubernetes.io/managed-by=backstage-previews,backstage-previews.io/installation=${INSTALLATION}`,
    );
    const beforeList = await request(server).get(
      '/api/previews/previews?includeDestroyed=true',
    );
    const res = await request(server).post('/api/previews/previews').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
    const afterList = await request(server).get(
      '/api/previews/previews?includeDestroyed=true',
    );
    expect(afterList.body.items.length).toBe(beforeList.body.items.length);
    expect(
      await namespaceCount(
        `app.kubernetes.io/managed-by=backstage-previews,backstage-previews.io/installation=${INSTALLATION}`,
      ),
    ).toBeLessThanOrEqual(before);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await request(server)
      .post('/api/previews/previews')
      .set('content-type', 'text/plain')
      .send('entityRef=component:default/shop&branch=main');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/JSON/);
  });

  it.each([
    '00000000-0000-4000-8000-000000000000',
    'not-an-id',
    "1' OR '1'='1",
  ])('answers 404 for unknown id %j', async id => {
    const get = await request(server).get(
      `/api/previews/previews/${encodeURIComponent(id)}`,
    );
    expect(get.status).toBe(404);
    expect(get.body.error.name).toBe('NotFoundError');
    const del = await request(server).delete(
      `/api/previews/previews/${encodeURIComponent(id)}`,
    );
    expect(del.status).toBe(404);
  });

  it('audits every mutating call with its outcome, and no reads', async () => {
    auditEvents.length = 0;
    const created = await request(server)
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/shop', branch: `audit-${run}` });
    expect(created.status).toBe(201);
    await request(server)
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/shop', branch: '' });
    await request(server).get(`/api/previews/previews/${created.body.id}`);
    await request(server).delete(`/api/previews/previews/${created.body.id}`);
    await waitFor(
      'the audit records to finish',
      async () => auditEvents.every(e => e.outcome) || undefined,
    );
    expect(auditEvents).toEqual([
      { eventId: 'preview-create', outcome: 'success', status: 201 },
      { eventId: 'preview-create', outcome: 'fail', status: 400 },
      { eventId: 'preview-destroy', outcome: 'success', status: 202 },
    ]);
  });
});
