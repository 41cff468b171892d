import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { Knex } from 'knex';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  repoRoot,
  testKubeconfigPath,
} from '@backstage-previews/test/cluster/testCluster';
import { FakeArgoController } from '@backstage-previews/test/cluster/fakeArgoController';
import { FakeArgoCdApi } from '@backstage-previews/test/argocd/fakeArgoCdApi';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { previewName } from '../naming/previewName';
import { previewComponent, waitFor } from '../testUtils';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';

// The Argo CD engine on the real test cluster, with Argo CD's own CRDs
// installed (every Application we write is validated by the apiserver), a
// fake Argo CD controller and a fake Argo CD REST API.

jest.setTimeout(120_000);

const run = Date.now().toString(36);
const FIXTURES = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'argocd');
const group = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  namespace: 'argocd',
  plural: 'applications',
};

function component(name: string, annotations: Record<string, string>): Entity {
  return previewComponent(name, annotations);
}
const workloads = [
  { name: 'web', image: 'registry.local/shop:{sha}', port: 8080 },
];
const entities = [
  component('argo-shop', {
    'backstage-previews.io/spec': JSON.stringify({
      workloads,
      engine: 'argocd',
      argocd: {
        path: 'deploy/preview',
        repoURL: 'https://github.com/acme/shop',
      },
    }),
  }),
  component('argo-broken', {
    'backstage-previews.io/spec': JSON.stringify({
      workloads,
      engine: 'argocd',
      argocd: {
        path: 'deploy/degraded',
        repoURL: 'https://github.com/acme/shop',
      },
    }),
  }),
  component('argo-helm', {
    'backstage-previews.io/engine': 'argocd',
    'backstage-previews.io/spec': JSON.stringify({
      workloads,
      argocd: {
        path: 'charts/shop',
        project: 'previews',
        repoURL: 'https://github.com/acme/shop',
        helm: { parameters: { 'ingress.url': 'http://{host}/' } },
      },
    }),
  }),
  // the catalog names Argo CD's default project, which allows everything
  component('argo-anything', {
    'backstage-previews.io/spec': JSON.stringify({
      workloads,
      engine: 'argocd',
      argocd: {
        path: 'deploy/preview',
        project: 'default',
        repoURL: 'https://github.com/acme/shop',
      },
    }),
  }),
  component('flux-shop', {
    'backstage-previews.io/engine': 'flux',
    'backstage-previews.io/image': 'x:{branch}',
    'backstage-previews.io/port': '80',
  }),
];

/** Installs Argo CD's CRDs (idempotently) and the argocd namespace. */
async function installArgoCdCrds(
  k8s: Awaited<ReturnType<typeof loadK8s>>,
  kc: KubeConfig,
) {
  const objects = kc.makeApiClient(k8s.KubernetesObjectApi);
  for (const file of ['application-crd.yaml', 'appproject-crd.yaml']) {
    const full = path.join(FIXTURES, file);
    if (!fs.existsSync(full)) {
      throw new Error(
        `Argo CD CRD fixture missing: ${full} (expected in ../shared/fixtures/argocd/ from the project root)`,
      );
    }
    const crd = parse(fs.readFileSync(full, 'utf8')) as KubernetesObject;
    try {
      await objects.create(crd);
    } catch (e) {
      if ((e as { code?: number }).code !== 409) throw e;
    }
  }
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  for (const name of ['applications.argoproj.io', 'appprojects.argoproj.io']) {
    await waitFor(`the Argo CD CRD ${name} to be established`, async () => {
      const crd = await ext.readCustomResourceDefinition({ name });
      return crd.status?.conditions?.some(
        c => c.type === 'Established' && c.status === 'True',
      )
        ? true
        : undefined;
    });
  }
  await kc
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name: 'argocd' } } })
    .catch(e => {
      if (e.code !== 409) throw e;
    });
  // The project Argo CD installs (everything allowed), and one made for previews.
  const projects = [
    {
      name: 'default',
      spec: {
        sourceRepos: ['*'],
        destinations: [{ server: '*', namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      },
    },
    {
      name: 'previews',
      spec: {
        sourceRepos: ['https://github.com/acme/*'],
        destinations: [
          { server: 'https://kubernetes.default.svc', namespace: 'argo-*' },
        ],
      },
    },
  ];
  for (const { name, spec } of projects) {
    await kc
      .makeApiClient(k8s.CustomObjectsApi)
      .createNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace: 'argocd',
        plural: 'appprojects',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'AppProject',
          metadata: { name },
          spec,
        },
      })
      .catch(e => {
        if (e.code !== 409) throw e;
      });
  }
}

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

describe('Argo CD engine on the real test cluster', () => {
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let knex: Knex;
  let backend: PreviewsTestBackend;
  let controller: FakeArgoController;
  const argoApi = new FakeArgoCdApi();

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    await installArgoCdCrds(k8s, kc);
    controller = new FakeArgoController(k8s, kc);
    await controller.start();
    await argoApi.start();
    knex = await databases.init('SQLITE_3');
    backend = await startPreviewsTestBackend({
      entities,
      knex,
      runTasksAtStartup: true,
      previews: {
        reconcileIntervalSeconds: 1,
        destroyTimeoutSeconds: 1,
        kubernetes: { kubeconfig },
        argocd: {
          url: argoApi.url,
          username: 'admin',
          password: 'secret',
          requestTimeoutSeconds: 1,
          project: 'previews',
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await controller?.stop();
    await argoApi.stop();
  });

  const api = () => backend.api();
  const custom = () => kc.makeApiClient(k8s.CustomObjectsApi);
  const core = () => kc.makeApiClient(k8s.CoreV1Api);
  const readApp = (name: string) =>
    custom().getNamespacedCustomObject({ ...group, name }) as Promise<any>;
  const getPreview = (id: string) => backend.get(id);
  const waitForStatus = (id: string, status: string, match?: RegExp) =>
    waitFor(
      `preview ${id} to be ${status}${match ? ` (${match})` : ''}`,
      async () => {
        const p = await getPreview(id);
        return p.status === status &&
          (!match || match.test(p.statusMessage ?? ''))
          ? p
          : undefined;
      },
    );
  const create = (entity: string, branch: string, sha?: string) =>
    backend.create(entity, branch, sha ? { sha } : {});
  const gone = (what: string, read: () => Promise<unknown>) =>
    waitFor(what, async () =>
      read().then(
        () => undefined,
        e => (e.code === 404 ? true : Promise.reject(e)),
      ),
    );

  it('creates a validated Application, becomes ready, and links to the Argo CD UI', async () => {
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    const preview = await create('argo-shop', `create-${run}`, sha);
    expect(preview.engine).toBe('argocd');
    const app = await readApp(preview.name);
    // Nothing was pruned by the apiserver: every field we write is in Argo CD's schema.
    expect(app.spec).toEqual({
      project: 'previews',
      source: {
        repoURL: 'https://github.com/acme/shop',
        path: 'deploy/preview',
        targetRevision: sha,
        kustomize: {
          images: [`registry.local/shop:${sha}`],
          namespace: preview.name,
          commonLabels: expect.objectContaining({
            'app.kubernetes.io/instance': preview.id,
            'app.kubernetes.io/part-of': 'argo-shop',
          }),
          labelWithoutSelector: true,
          labelIncludeTemplates: true,
        },
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: preview.name,
      },
      syncPolicy: expect.objectContaining({
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
      }),
    });
    expect(app.metadata.finalizers).toEqual([
      'resources-finalizer.argocd.argoproj.io',
    ]);
    expect(app.metadata.managedFields.map((f: any) => f.manager)).toContain(
      'backstage-previews',
    );
    const ready = await waitForStatus(preview.id, 'ready');
    expect(ready.links).toEqual([
      {
        title: 'Argo CD',
        url: `${argoApi.url}/applications/argocd/${preview.name}`,
      },
    ]);
    const list = (
      await api()
        .get('/api/previews/previews')
        .query({ entityRef: 'component:default/argo-shop' })
    ).body;
    expect(list.items[0].links).toHaveLength(1);
  });

  it('rejects what Argo CD schema rejects (the CRD really validates)', async () => {
    await expect(
      custom().createNamespacedCustomObject({
        ...group,
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: { name: `invalid-${run}` },
          spec: { project: 'default' },
        },
      }),
    ).rejects.toMatchObject({ code: 422 });
  });

  it('renders Helm sources chosen by annotation, and refuses an engine that is not installed', async () => {
    const preview = await create(
      'argo-helm',
      `helm-${run}`,
      '4444444444444444444444444444444444444444',
    );
    const app = await readApp(preview.name);
    expect(app.spec.source.helm.parameters).toEqual([
      { name: 'image.tag', value: expect.any(String) },
      { name: 'ingress.host', value: `${preview.name}.previews.test` },
      { name: 'ingress.url', value: `http://${preview.name}.previews.test/` },
    ]);
    expect(JSON.parse(app.spec.source.helm.values)).toEqual({
      previews: {
        name: preview.name,
        host: `${preview.name}.previews.test`,
        dependencies: {},
        labels: expect.objectContaining({
          'app.kubernetes.io/instance': preview.id,
          'app.kubernetes.io/part-of': expect.any(String),
        }),
      },
    });
    await waitForStatus(preview.id, 'ready');
    const res = await api()
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/flux-shop', branch: 'main' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /"flux" engine \(from the annotation backstage-previews.io\/engine\), which is not installed/,
    );
  });

  it("refuses a project that lets the PR's manifests out of their namespace, and creates no Application", async () => {
    const branch = `anything-${run}`;
    const res = await api().post('/api/previews/previews').send({
      entityRef: 'component:default/argo-anything',
      branch,
      sha: '5555555555555555555555555555555555555555',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Argo CD project default cannot hold previews: AppProject default allows cluster-scoped kinds (clusterResourceWhitelist: */*); ' +
        'AppProject default allows destinations outside preview namespaces (kube-system, kube-public, kube-node-lease, default, argocd). ' +
        'Set previews.argocd.project to a project limited to preview namespaces (docs/security.md)',
    );
    await gone('no Application', () =>
      readApp(previewName('component:default/argo-anything', branch)),
    );
  });

  it('shows degraded with Argo CD messages', async () => {
    const preview = await create(
      'argo-broken',
      `degraded-${run}`,
      '3333333333333333333333333333333333333333',
    );
    const degraded = await waitForStatus(preview.id, 'degraded');
    expect(degraded.statusMessage).toMatch(
      /Degraded; Deployment web exceeded its progress deadline; SyncError: readiness probe failed/,
    );
  });

  it('redeploys a new commit: new targetRevision, sync through the REST API with login and re-login', async () => {
    const first = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const second = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    const third = 'cccccccccccccccccccccccccccccccccccccccc';
    const preview = await create('argo-shop', `redeploy-${run}`, first);
    await waitForStatus(preview.id, 'ready');
    const logins = argoApi.logins;
    expect(
      (
        await api()
          .post(`/api/previews/previews/${preview.id}/redeploy`)
          .send({ sha: second })
      ).status,
    ).toBe(200);
    expect((await readApp(preview.name)).spec.source.targetRevision).toBe(
      second,
    );
    expect((await readApp(preview.name)).spec.source.kustomize.images).toEqual([
      `registry.local/shop:${second}`,
    ]);
    expect(argoApi.syncs.at(-1)).toEqual({
      name: preview.name,
      body: expect.objectContaining({ appNamespace: 'argocd' }),
    });
    expect(argoApi.logins).toBeGreaterThan(0);
    await waitForStatus(preview.id, 'ready');

    argoApi.expireTokens();
    const before = argoApi.logins;
    expect(
      (
        await api()
          .post(`/api/previews/previews/${preview.id}/redeploy`)
          .send({ sha: third })
      ).status,
    ).toBe(200);
    expect(argoApi.logins).toBe(before + 1);
    expect(argoApi.syncs.filter(s => s.name === preview.name)).toHaveLength(2);
    expect(logins).toBeLessThanOrEqual(before);
    await waitForStatus(preview.id, 'ready');
  });

  it('a failing or slow REST API only shows in the status message', async () => {
    const preview = await create(
      'argo-shop',
      `rest-fail-${run}`,
      'dddddddddddddddddddddddddddddddddddddddd',
    );
    await waitForStatus(preview.id, 'ready');
    controller.hold.add(preview.name);
    argoApi.failWith = 500;
    const res = await api()
      .post(`/api/previews/previews/${preview.id}/redeploy`)
      .send({ sha: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee' });
    expect(res.status).toBe(200);
    await waitForStatus(
      preview.id,
      'provisioning',
      /Argo CD sync request failed: 500/,
    );
    argoApi.failWith = undefined;
    argoApi.delayMs = 3000;
    expect(
      (
        await api()
          .post(`/api/previews/previews/${preview.id}/redeploy`)
          .send({ sha: 'ffffffffffffffffffffffffffffffffffffffff' })
      ).status,
    ).toBe(200);
    await waitForStatus(
      preview.id,
      'provisioning',
      /Argo CD sync request failed: .*timed out/,
    );
    argoApi.delayMs = 0;
    expect((await readApp(preview.name)).spec.source.targetRevision).toBe(
      'ffffffffffffffffffffffffffffffffffffffff',
    );
    await core().readNamespace({ name: preview.name });
    controller.hold.delete(preview.name);
    await controller.retry(preview.name);
    await waitForStatus(preview.id, 'ready');
  });

  it('destroys: Application gone, then the namespace, then destroyed', async () => {
    const preview = await create(
      'argo-shop',
      `destroy-${run}`,
      '1111111111111111111111111111111111111111',
    );
    await waitForStatus(preview.id, 'ready');
    await core().readNamespace({ name: preview.name });
    expect(
      (await api().delete(`/api/previews/previews/${preview.id}`)).status,
    ).toBe(202);
    await waitForStatus(preview.id, 'destroyed');
    await gone('the Application', () => readApp(preview.name));
    const ns = await core()
      .readNamespace({ name: preview.name })
      .catch(e => (e.code === 404 ? undefined : Promise.reject(e)));
    expect(
      ns === undefined || ns.metadata?.deletionTimestamp !== undefined,
    ).toBe(true);
  });

  it('reports a stuck finalizer, and finishes once it is released', async () => {
    const preview = await create(
      'argo-shop',
      `stuck-${run}`,
      '2222222222222222222222222222222222222222',
    );
    await waitForStatus(preview.id, 'ready');
    controller.hang.add(preview.name);
    await api().delete(`/api/previews/previews/${preview.id}`);
    const stuck = await waitForStatus(
      preview.id,
      'destroying',
      /Still terminating.*finalizer resources-finalizer\.argocd\.argoproj\.io/,
    );
    expect(stuck.statusMessage).toMatch(
      new RegExp(`Application argocd/${preview.name}`),
    );
    await core().readNamespace({ name: preview.name });
    controller.hang.delete(preview.name);
    await controller.retry(preview.name);
    await waitForStatus(preview.id, 'destroyed');
  });

  it('never touches an Application or a namespace that is not ours', async () => {
    const appBranch = `foreign-app-${run}`;
    const appName = previewName('component:default/argo-shop', appBranch);
    const foreign = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: appName, labels: { team: 'platform' } },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://example.com/x.git',
          path: 'x',
          targetRevision: 'main',
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'elsewhere',
        },
      },
    };
    await custom().createNamespacedCustomObject({ ...group, body: foreign });
    const res = await api()
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/argo-shop', branch: appBranch });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/not managed by Backstage Previews/);
    const after = await readApp(appName);
    expect(after.spec.source.repoURL).toBe('https://example.com/x.git');
    expect(after.metadata.labels).toEqual({ team: 'platform' });

    const nsBranch = `foreign-ns-${run}`;
    const nsName = previewName('component:default/argo-shop', nsBranch);
    await core().createNamespace({
      body: { metadata: { name: nsName, labels: { team: 'platform' } } },
    });
    const res2 = await api()
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/argo-shop', branch: nsBranch });
    expect(res2.status).toBe(409);
    await gone('no Application for the foreign namespace', () =>
      readApp(nsName),
    );
    const ns = await core().readNamespace({ name: nsName });
    expect(ns.metadata?.labels).toEqual(
      expect.objectContaining({ team: 'platform' }),
    );
    expect(ns.metadata?.deletionTimestamp).toBeUndefined();

    await custom().deleteNamespacedCustomObject({ ...group, name: appName });
    await core().deleteNamespace({ name: nsName });
  });
});
