import { Knex } from 'knex';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type { KubeConfig } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import {
  DEMO_IMAGE,
  publishImage,
} from '@backstage-previews/test/cluster/testImages';
import { nodeContainers } from '@backstage-previews/test/cluster/nodeContainers';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { isDns1123Label } from '../naming/previewName';
import { previewComponent, waitFor } from '../testUtils';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';

// The complete Kubernetes engine on the real test cluster: multi-workload
// specs, degraded detection, redeploys, hostile branch names, stuck
// destroys, the orphan sweep and backend restarts.

jest.setTimeout(180_000);

const run = Date.now().toString(36);

function component(name: string, spec: unknown): Entity {
  return previewComponent(name, {
    'backstage-previews.io/spec': JSON.stringify(spec),
  });
}

const entities = [
  component('shop', {
    workloads: [
      {
        name: 'web',
        image: 'registry.local/shop:{sha}',
        port: 8080,
        env: { MODE: 'preview' },
        readinessPath: '/healthz',
      },
      { name: 'worker', image: DEMO_IMAGE, command: ['demo', 'serve'] },
    ],
    expose: 'web',
  }),
  // An image the test registry does not have: the kubelet's pull fails for real.
  component('unpullable', {
    workloads: [
      { name: 'web', image: 'registry.local/missing:{branch}', port: 80 },
    ],
  }),
  component('tiny', {
    workloads: [{ name: 'web', image: DEMO_IMAGE, port: 80 }],
  }),
  // For naming tests: the objects without pods (twenty pods started and stopped at once only slow them down).
  component('names', {
    workloads: [{ name: 'web', image: DEMO_IMAGE, port: 80, replicas: 0 }],
  }),
  // Real failures: a container that exits 1, a readiness probe that never passes.
  component('crashing', {
    workloads: [
      { name: 'web', image: DEMO_IMAGE, port: 80, command: ['demo', 'crash'] },
    ],
  }),
  component('never-ready', {
    workloads: [
      {
        name: 'web',
        image: DEMO_IMAGE,
        port: 8080,
        readinessPath: '/healthz',
        env: { DEMO_NEVER_READY: '1' },
      },
    ],
  }),
  // A container that ignores SIGTERM: its pod holds the namespace for the grace period.
  component('stubborn', {
    workloads: [
      {
        name: 'web',
        image: DEMO_IMAGE,
        port: 80,
        env: { DEMO_IGNORE_SIGTERM: '1' },
      },
    ],
  }),
];

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

describe('Kubernetes engine on the real test cluster', () => {
  let kubeconfig: string;
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let knex: Knex;
  let backend: PreviewsTestBackend;

  const startBackend = (extra: Record<string, unknown> = {}) =>
    startPreviewsTestBackend({
      entities,
      knex,
      // Runs every scheduled task (reconcile, orphan sweep) once at startup.
      runTasksAtStartup: true,
      previews: {
        destroyTimeoutSeconds: 1,
        kubernetes: { kubeconfig, progressDeadlineSeconds: 20 },
        ...extra,
      },
    });

  beforeAll(async () => {
    kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    knex = await databases.init('SQLITE_3');
    backend = await startBackend();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const api = () => backend.api();
  const getPreview = (id: string) => backend.get(id);
  const waitForStatus = (id: string, status: string, timeoutMs?: number) =>
    backend.waitForStatus(id, status, timeoutMs);
  const create = (entity: string, branch: string, sha?: string) =>
    backend.create(entity, branch, sha ? { sha } : {});
  const destroyAndWait = async (id: string) => {
    await api().delete(`/api/previews/previews/${id}`);
    return waitForStatus(id, 'destroyed');
  };

  it('deploys a two-workload spec (web + worker) that becomes ready, with isolation objects', async () => {
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    await publishImage(`registry.local/shop:${sha}`);
    const preview = await create('shop', `two-workloads-${run}`, sha);
    const ready = await waitForStatus(preview.id, 'ready');
    expect(ready.details).toMatchObject({ podsReady: 2, podsTotal: 2 });
    expect(ready.sha).toBe(sha);

    const ns = preview.name;
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const deployments = (await apps.listNamespacedDeployment({ namespace: ns }))
      .items;
    expect(deployments.map(d => d.metadata?.name).sort()).toEqual([
      'web',
      'worker',
    ]);
    const web = deployments.find(d => d.metadata?.name === 'web')!;
    expect(web.spec?.template.spec?.containers[0].image).toBe(
      `registry.local/shop:${sha}`,
    );
    expect(web.metadata?.labels?.['app.kubernetes.io/instance']).toBe(
      preview.id,
    );
    const services = (
      await core.listNamespacedService({ namespace: ns })
    ).items.map(s => s.metadata?.name);
    expect(services).toEqual(['web']);
    const ingress = (
      await kc
        .makeApiClient(k8s.NetworkingV1Api)
        .listNamespacedIngress({ namespace: ns })
    ).items[0];
    expect(ingress.spec?.rules?.[0].http?.paths[0].backend.service?.name).toBe(
      'web',
    );
    const policies = (
      await kc
        .makeApiClient(k8s.NetworkingV1Api)
        .listNamespacedNetworkPolicy({ namespace: ns })
    ).items;
    expect(policies.map(p => p.metadata?.name).sort()).toEqual([
      'preview-dependents',
      'preview-egress',
      'preview-isolation',
    ]);
    // pods may connect anywhere but link-local addresses and the apiserver this backend talks to
    const egress = policies.find(p => p.metadata?.name === 'preview-egress')!;
    expect(egress.spec?.egress?.at(-1)?.to).toEqual([
      {
        ipBlock: {
          cidr: '0.0.0.0/0',
          except: [
            '169.254.0.0/16',
            `${new URL(kc.getCurrentCluster()!.server).hostname}/32`,
          ],
        },
      },
    ]);
    expect(
      (await core.listNamespacedResourceQuota({ namespace: ns })).items,
    ).toHaveLength(1);
    expect(
      (await core.listNamespacedLimitRange({ namespace: ns })).items,
    ).toHaveLength(1);
    expect(
      (await core.listNamespacedServiceAccount({ namespace: ns })).items.map(
        s => s.metadata?.name,
      ),
    ).toContain('preview');

    await destroyAndWait(preview.id);
  });

  it('shows degraded with the reason when an image never becomes ready', async () => {
    const preview = await create('unpullable', `bad-image-${run}`);
    const degraded = await waitForStatus(preview.id, 'degraded');
    expect(degraded.statusMessage).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(degraded.details?.podsReady).toBe(0);
    await destroyAndWait(preview.id);
  });

  it('shows degraded for a container that crashes, with its restarts', async () => {
    const preview = await create('crashing', `crash-${run}`);
    const degraded = await waitForStatus(preview.id, 'degraded');
    expect(degraded.statusMessage).toMatch(
      /web-[a-z0-9-]+\/web CrashLoopBackOff/,
    );
    expect(degraded.details?.restarts).toBeGreaterThanOrEqual(1);
    await destroyAndWait(preview.id);
  });

  it('shows degraded once a readiness probe that never passes runs past the progress deadline', async () => {
    const preview = await create('never-ready', `never-ready-${run}`);
    const degraded = await waitForStatus(preview.id, 'degraded', 120_000);
    expect(degraded.statusMessage).toMatch(/^web: .*(timed out|progress)/i);
    expect(degraded.details).toMatchObject({ podsReady: 0, podsTotal: 1 });
    await destroyAndWait(preview.id);
  });

  it('names a pod that ignores SIGTERM while it holds the destroy, then leaves no container on the node', async () => {
    const preview = await create('stubborn', `stubborn-${run}`);
    await waitForStatus(preview.id, 'ready');
    expect(nodeContainers(preview.name).length).toBeGreaterThanOrEqual(2); // the app and its sandbox
    await api().delete(`/api/previews/previews/${preview.id}`);
    const blocked = await waitFor('the stopping pod to be named', async () => {
      const p = await getPreview(preview.id);
      return p.status === 'destroying' &&
        /pod web-[a-z0-9-]+ to stop/.test(p.statusMessage ?? '')
        ? p
        : undefined;
    });
    expect(blocked.statusMessage).toMatch(/grace period 30 s/);
    // The 30 s grace period, then the namespace controller (slow on a loaded machine: a clean-clone CI took over 120 s).
    await waitForStatus(preview.id, 'destroyed', 240_000);
    await waitFor(
      'containerd to hold nothing of the preview',
      async () => nodeContainers(preview.name).length === 0,
      60_000,
    );
  }, 400_000);

  it('redeploys at a new commit and tracks the rollout', async () => {
    const first = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const second = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    await publishImage(`registry.local/shop:${first}`);
    await publishImage(`registry.local/shop:${second}`);
    const preview = await create('shop', `redeploy-${run}`, first);
    await waitForStatus(preview.id, 'ready');

    const res = await api()
      .post(`/api/previews/previews/${preview.id}/redeploy`)
      .send({ sha: second });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'provisioning', sha: second });
    const ready = await waitForStatus(preview.id, 'ready');
    expect(ready.sha).toBe(second);
    const web = await kc
      .makeApiClient(k8s.AppsV1Api)
      .readNamespacedDeployment({ name: 'web', namespace: preview.name });
    expect(web.spec?.template.spec?.containers[0].image).toBe(
      `registry.local/shop:${second}`,
    );
    expect(web.status?.updatedReplicas).toBe(1);

    const bad = await api()
      .post(`/api/previews/previews/${preview.id}/redeploy`)
      .send({ sha: 'not-a-sha' });
    expect(bad.status).toBe(400);

    // A redeploy that changes nothing makes no watch event, yet ends ready
    // (this test backend never runs the periodic reconcile).
    const same = await api()
      .post(`/api/previews/previews/${preview.id}/redeploy`)
      .send({});
    expect(same.status).toBe(200);
    expect((await waitForStatus(preview.id, 'ready')).sha).toBe(second);
    await destroyAndWait(preview.id);
  });

  it('turns 40 hostile branch names into valid unique namespaces or a clear 400', async () => {
    const hostile = [
      'Feature/UPPER',
      'feature/upper',
      'feature-upper',
      'feature_upper',
      'ünïcödé/brånch',
      '日本語のブランチ',
      'emoji-🚀-launch',
      'a'.repeat(255),
      'b'.repeat(300),
      'x/y/z/deep/nesting/of/many/parts',
      '.hidden',
      'trailing.',
      'a..b',
      '../../etc/passwd',
      'semi;colon',
      'pipe|branch',
      'amp&branch',
      '$(whoami)',
      '`id`',
      "quote'branch",
      'dq"branch',
      'back\\slash',
      'star*',
      'question?',
      'colon:x',
      'tilde~1',
      'caret^2',
      'bracket[0]',
      'key: value',
      '- yaml-list',
      '{json: 1}',
      '#comment',
      'rtl\u202emark',
      'zero\u200bwidth',
      'with space',
      'tab\tbranch',
      '@',
      'at@{1}',
      '---',
      '_',
    ];
    expect(hostile).toHaveLength(40);
    const names = new Map<string, string>();
    const created: Preview[] = [];
    // What became of each branch, asserted after the loop: accepted under a valid, unique name, or refused.
    const accepted: Array<{
      branch: string;
      name: string;
      validName: boolean;
      unique: boolean;
      namespaceBranch?: string;
    }> = [];
    const refused: Array<{ branch: string; status: number; message?: string }> =
      [];
    for (const branch of hostile) {
      const res = await api()
        .post('/api/previews/previews')
        .send({ entityRef: 'component:default/names', branch });
      if (res.status !== 201) {
        refused.push({
          branch,
          status: res.status,
          message: res.body.error?.message,
        });
        continue;
      }
      const p: Preview = res.body;
      const unique = !names.has(p.name);
      names.set(p.name, branch);
      created.push(p);
      // The real apiserver accepted the namespace under that name.
      const ns = await kc
        .makeApiClient(k8s.CoreV1Api)
        .readNamespace({ name: p.name });
      accepted.push({
        branch,
        name: p.name,
        validName: isDns1123Label(p.name),
        unique,
        namespaceBranch:
          ns.metadata?.annotations?.['backstage-previews.io/branch'],
      });
    }
    expect(accepted).toEqual(
      accepted.map(a => ({
        ...a,
        validName: true,
        unique: true,
        namespaceBranch: a.branch,
      })),
    );
    expect(refused).toEqual(
      refused.map(r => ({
        branch: r.branch,
        status: 400,
        message: expect.stringMatching(/^Invalid branch .+: .+/),
      })),
    );
    expect(created.length).toBeGreaterThanOrEqual(15);
    expect(created.length).toBeLessThan(40);
    await Promise.all(
      created.map(p => api().delete(`/api/previews/previews/${p.id}`)),
    );
    await Promise.all(
      created.map(p => waitForStatus(p.id, 'destroyed', 120_000)),
    );
  });

  it('reports what blocks a destroy and finishes once the blocker is gone', async () => {
    const preview = await create('tiny', `stuck-${run}`);
    await waitForStatus(preview.id, 'ready');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: preview.name,
      body: {
        metadata: { name: 'held', finalizers: ['previews-test.io/block'] },
        data: { a: 'b' },
      },
    });
    await api().delete(`/api/previews/previews/${preview.id}`);
    const blocked = await waitFor('the blocker to be reported', async () => {
      const p = await getPreview(preview.id);
      return p.status === 'destroying' &&
        /previews-test\.io\/block/.test(p.statusMessage ?? '')
        ? p
        : undefined;
    });
    expect(blocked.statusMessage).toMatch(/^Still terminating after \d+ s: /);
    expect(blocked.details?.blockers?.join(' ')).toContain(
      'previews-test.io/block',
    );

    await core.patchNamespacedConfigMap(
      {
        name: 'held',
        namespace: preview.name,
        body: [{ op: 'remove', path: '/metadata/finalizers' }],
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    await waitForStatus(preview.id, 'destroyed');
    await expect(
      core.readNamespace({ name: preview.name }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('finds an orphan of its own installation in dry run and deletes it only when enabled', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // The installation id this backend labels its previews with (generated once, kept in its database).
    const installation: string = (await api().get('/api/previews/orphans')).body
      .installationId;
    expect(installation).toMatch(/^[0-9a-f-]{36}$/);
    const name = `orphan-${run}`;
    const labels = (previewId: string, preview: string, inst: string) => ({
      'app.kubernetes.io/managed-by': 'backstage-previews',
      'app.kubernetes.io/instance': previewId,
      'backstage-previews.io/preview': preview,
      'backstage-previews.io/installation': inst,
    });
    await core.createNamespace({
      body: {
        metadata: {
          name,
          labels: labels(
            '00000000-0000-4000-8000-00000000beef',
            name,
            installation,
          ),
        },
      },
    });
    // A namespace that only looks like ours (no preview id) is never touched.
    const lookalike = `lookalike-${run}`;
    await core.createNamespace({
      body: {
        metadata: {
          name: lookalike,
          labels: { 'app.kubernetes.io/managed-by': 'backstage-previews' },
        },
      },
    });
    // Nor is a preview of another installation sharing the cluster (its id is unknown to this database).
    const foreign = `foreign-${run}`;
    await core.createNamespace({
      body: {
        metadata: {
          name: foreign,
          labels: labels(
            '00000000-0000-4000-8000-0000000f0e19',
            foreign,
            'another-backstage',
          ),
        },
      },
    });
    // And a live preview is never an orphan; its namespace carries the installation label.
    const live = await create('tiny', `not-orphan-${run}`);
    await waitFor('the live preview namespace', async () =>
      core.readNamespace({ name: live.name }).catch(() => undefined),
    );
    expect(
      (await core.readNamespace({ name: live.name })).metadata?.labels?.[
        'backstage-previews.io/installation'
      ],
    ).toBe(installation);

    const young = await api().get('/api/previews/orphans');
    expect(young.status).toBe(200);
    // Too young for the default minimum age: not reported yet.
    expect(
      young.body.orphans.map((o: { name: string }) => o.name),
    ).not.toContain(name);
    const dry = await api().get('/api/previews/orphans?minAgeMinutes=0');
    expect(dry.body).toMatchObject({
      dryRun: true,
      deleted: [],
      installationId: installation,
    });
    const found = dry.body.orphans.map((o: { name: string }) => o.name);
    expect(found).toContain(name);
    expect(found).not.toContain(lookalike);
    expect(found).not.toContain(foreign);
    expect(found).not.toContain(live.name);
    // A dry run deletes nothing.
    expect(
      (await core.readNamespace({ name })).metadata?.deletionTimestamp,
    ).toBeUndefined();
    expect(
      (await api().get('/api/previews/orphans?minAgeMinutes=-1')).status,
    ).toBe(400);

    await backend.stop();
    // Other test files' previews on this shared cluster belong to other installations (their own
    // databases): the sweep neither counts nor deletes them, so the default limits hold.
    backend = await startBackend({
      orphanSweep: {
        enabled: true,
        dryRun: false,
        minAgeMinutes: 0,
        frequencyMinutes: 60,
      },
    });
    const deleted = await waitFor(
      'the sweep to delete the orphan',
      async () => {
        const ns = await core
          .readNamespace({ name })
          .catch(e => (e.code === 404 ? undefined : Promise.reject(e)));
        return !ns || ns.metadata?.deletionTimestamp ? true : undefined;
      },
      120_000,
    );
    expect(deleted).toBe(true);
    // The restarted backend read the same installation id from its database.
    expect((await api().get('/api/previews/orphans')).body.installationId).toBe(
      installation,
    );
    expect(
      (await core.readNamespace({ name: lookalike })).metadata
        ?.deletionTimestamp,
    ).toBeUndefined();
    expect(
      (await core.readNamespace({ name: foreign })).metadata?.deletionTimestamp,
    ).toBeUndefined();
    expect(
      (await core.readNamespace({ name: live.name })).metadata
        ?.deletionTimestamp,
    ).toBeUndefined();
    await core.deleteNamespace({ name: lookalike });
    await core.deleteNamespace({ name: foreign });
    await destroyAndWait(live.id);
  });

  it('tracks existing previews again after a backend restart, without re-creating anything', async () => {
    const preview = await create('tiny', `restart-${run}`);
    await waitForStatus(preview.id, 'ready');
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const nsBefore = await core.readNamespace({ name: preview.name });
    const webBefore = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: preview.name,
    });

    await backend.stop();
    // While the backend is down the workload breaks: the restarted backend must notice.
    await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: preview.name,
        body: [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: 'registry.local/missing:1',
          },
        ],
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    backend = await startBackend();
    const degraded = await waitForStatus(preview.id, 'degraded');
    expect(degraded.statusMessage).toMatch(/ImagePullBackOff|ErrImagePull/);

    const nsAfter = await core.readNamespace({ name: preview.name });
    expect(nsAfter.metadata?.uid).toBe(nsBefore.metadata?.uid);
    expect(nsAfter.metadata?.resourceVersion).toBe(
      nsBefore.metadata?.resourceVersion,
    );
    const webAfter = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: preview.name,
    });
    expect(webAfter.metadata?.uid).toBe(webBefore.metadata?.uid);
    // Only our patch changed the Deployment: the restart applied nothing.
    expect(webAfter.metadata?.generation).toBe(
      (webBefore.metadata?.generation ?? 0) + 1,
    );
    await destroyAndWait(preview.id);
  });
});
