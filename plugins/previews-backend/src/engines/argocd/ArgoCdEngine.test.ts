import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  PreviewDeployment,
  PreviewOwnershipError,
} from '@backstage-previews/plugin-previews-node';
import { K8s, loadK8s } from '../shared/loadKubeConfig';
import { ArgoApplication, ArgoApplicationStatus } from './application';
import { ArgoCdEngine } from './ArgoCdEngine';
import { ArgoCdRestClient } from './ArgoCdRestClient';
import { renderApplication } from './renderApplication';

// The Argo CD engine against an in-memory Kubernetes API (Applications,
// AppProjects and namespaces, the calls the engine makes) and a fake of its
// REST client. Nothing here watches: observe reads through the API, as it
// does before the watch has synced.

const ID = '11111111-2222-3333-4444-555555555555';
const OTHER_ID = '99999999-2222-3333-4444-555555555555';
const NAME = 'shop-feature-x-abc12';
const settings = {
  argoNamespace: 'argocd',
  defaultProject: 'previews',
  destinationServer: 'https://kubernetes.default.svc',
  installationId: 'install-1',
};
const ours = (previewId: string) => ({
  'app.kubernetes.io/managed-by': 'backstage-previews',
  'app.kubernetes.io/instance': previewId,
});

const deployment = (sha: string): PreviewDeployment => ({
  previewId: ID,
  name: NAME,
  entityRef: 'component:default/shop',
  branch: 'feature/x',
  sha,
  repoUrl: 'https://github.com/acme/shop',
  spec: {
    workloads: [{ name: 'web', image: 'registry.test/shop:{sha}', port: 8080 }],
    argocd: { path: 'deploy/preview' },
  },
});
const target = {
  previewId: ID,
  name: NAME,
  entityRef: 'component:default/shop',
  branch: 'feature/x',
};
const SHA1 = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);

/** What the engine asks of the Kubernetes API, answered from memory; `fail` makes the next call of a method fail. */
class FakeCluster {
  readonly applications = new Map<string, ArgoApplication>();
  readonly projects = new Map<string, object>([
    [
      'previews',
      {
        metadata: { name: 'previews' },
        spec: {
          destinations: [
            { server: 'https://kubernetes.default.svc', namespace: 'shop-*' },
          ],
        },
      },
    ],
  ]);
  readonly namespaces = new Map<
    string,
    {
      metadata: {
        name: string;
        labels?: Record<string, string>;
        deletionTimestamp?: string;
      };
    }
  >();
  /** Every call that changes something, in order. */
  readonly writes: string[] = [];
  private readonly failures = new Map<string, number>();

  constructor(private readonly k8s: K8s) {}

  fail(method: string, code: number) {
    this.failures.set(method, code);
  }

  private check(method: string) {
    const code = this.failures.get(method);
    if (code === undefined) return;
    this.failures.delete(method);
    throw new this.k8s.ApiException(code, `${method} failed`, { code }, {});
  }

  private notFound(what: string): never {
    throw new this.k8s.ApiException(
      404,
      `${what} not found`,
      { code: 404 },
      {},
    );
  }

  readonly custom = {
    getNamespacedCustomObject: async (r: {
      namespace: string;
      plural: string;
      name: string;
    }) => {
      this.check('getNamespacedCustomObject');
      const found =
        r.plural === 'applications'
          ? this.applications.get(r.name)
          : this.projects.get(r.name);
      return found
        ? structuredClone(found)
        : this.notFound(`${r.plural} ${r.name}`);
    },
    deleteNamespacedCustomObject: async (r: {
      namespace: string;
      plural: string;
      name: string;
    }) => {
      this.check('deleteNamespacedCustomObject');
      this.writes.push(`delete Application ${r.namespace}/${r.name}`);
      const app = this.applications.get(r.name);
      if (!app) return this.notFound(`Application ${r.name}`);
      // Argo CD's finalizer keeps it until its resources are gone.
      app.metadata.deletionTimestamp = '2026-05-01T10:00:00Z';
      return {};
    },
    listNamespacedCustomObject: async (r: { labelSelector?: string }) => {
      this.check('listNamespacedCustomObject');
      expect(r.labelSelector).toBe(
        'app.kubernetes.io/managed-by=backstage-previews',
      );
      return {
        items: [...this.applications.values()].filter(
          a =>
            a.metadata.labels?.['app.kubernetes.io/managed-by'] ===
            'backstage-previews',
        ),
      };
    },
  };

  readonly core = {
    readNamespace: async (r: { name: string }) => {
      this.check('readNamespace');
      return (
        structuredClone(this.namespaces.get(r.name)) ??
        this.notFound(`Namespace ${r.name}`)
      );
    },
    deleteNamespace: async (r: { name: string }) => {
      this.check('deleteNamespace');
      this.writes.push(`delete Namespace ${r.name}`);
      return {};
    },
  };

  /** Server-side apply of an Application: stored with a new generation. */
  readonly objects = {
    patch: async (
      object: KubernetesObject,
      _pretty?: string,
      _dryRun?: string,
      fieldManager?: string,
      force?: boolean,
      strategy?: string,
    ) => {
      this.check('patch');
      const app = structuredClone(object) as ArgoApplication;
      this.writes.push(
        `apply Application ${app.metadata.namespace}/${
          app.metadata.name
        } as ${fieldManager}${force ? ' (force)' : ''} ${strategy}`,
      );
      const previous = this.applications.get(app.metadata.name);
      app.metadata.generation = (previous?.metadata.generation ?? 0) + 1;
      if (previous?.status) app.status = previous.status;
      this.applications.set(app.metadata.name, app);
      return structuredClone(app);
    },
  };

  /** A KubeConfig whose API clients are this fake. */
  kubeConfig(): KubeConfig {
    const clients = new Map<unknown, object>([
      [this.k8s.CustomObjectsApi, this.custom],
      [this.k8s.CoreV1Api, this.core],
      [this.k8s.KubernetesObjectApi, this.objects],
    ]);
    return {
      makeApiClient: (api: unknown) => {
        const client = clients.get(api);
        if (!client)
          throw new Error(
            `the engine asked for an API client the fake does not have`,
          );
        return client;
      },
    } as unknown as KubeConfig;
  }

  /** What Argo CD reports about the Application. */
  setStatus(name: string, status: ArgoApplicationStatus) {
    this.applications.get(name)!.status = status;
  }
}

async function setup(options: { rest?: boolean } = {}) {
  const k8s = await loadK8s();
  const cluster = new FakeCluster(k8s);
  const sync = jest.fn(async (_name: string, _namespace: string) => {});
  const rest = options.rest
    ? ({ sync } as unknown as ArgoCdRestClient)
    : undefined;
  const logger = mockServices.logger.mock();
  const engine = await ArgoCdEngine.create({
    ...settings,
    kc: cluster.kubeConfig(),
    logger,
    ...(rest ? { rest } : {}),
  });
  return { cluster, engine, sync, logger };
}

describe('ArgoCdEngine.deploy', () => {
  it('keeps the labelling of an Application from before component labels: its selectors cannot change', async () => {
    const { cluster, engine } = await setup();
    // as an earlier release created it: the preview's labels, in selectors
    const older = renderApplication(deployment(SHA1), settings, 'inSelectors');
    cluster.applications.set(NAME, older);
    await engine.deploy({ ...deployment(SHA2), kubernetesId: 'shop' });
    const kustomize = cluster.applications.get(NAME)!.spec.source.kustomize;
    expect(kustomize?.commonLabels).toEqual(
      older.spec.source.kustomize?.commonLabels,
    );
    expect(kustomize?.labelWithoutSelector).toBeUndefined();

    // a new one gets the component's labels, out of selectors
    cluster.applications.clear();
    await engine.deploy({ ...deployment(SHA2), kubernetesId: 'shop' });
    expect(cluster.applications.get(NAME)!.spec.source.kustomize).toMatchObject(
      {
        commonLabels: {
          'app.kubernetes.io/part-of': 'shop',
          'backstage.io/kubernetes-id': 'shop',
        },
        labelWithoutSelector: true,
        labelIncludeTemplates: true,
      },
    );
  });

  it('creates the Application with the rendered spec, then updates it and asks Argo CD to sync', async () => {
    const { cluster, engine, sync } = await setup({ rest: true });
    await engine.deploy(deployment(SHA1));

    const created = cluster.applications.get(NAME)!;
    const {
      metadata: { generation: _generation, ...metadata },
      ...rest
    } = created;
    expect({ ...rest, metadata }).toEqual(
      renderApplication(deployment(SHA1), settings),
    );
    expect(created.spec.source).toMatchObject({
      repoURL: 'https://github.com/acme/shop',
      path: 'deploy/preview',
      targetRevision: SHA1,
    });
    expect(created.spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: NAME,
    });
    expect(cluster.writes).toEqual([
      `apply Application argocd/${NAME} as backstage-previews (force) application/apply-patch+yaml`,
    ]);
    // A new Application syncs by itself.
    expect(sync).not.toHaveBeenCalled();

    await engine.deploy(deployment(SHA2));
    expect(cluster.applications.get(NAME)!.spec.source.targetRevision).toBe(
      SHA2,
    );
    expect(cluster.applications.get(NAME)!.metadata.generation).toBe(2);
    expect(sync).toHaveBeenCalledWith(NAME, 'argocd');
    expect(cluster.writes.filter(w => w.startsWith('delete'))).toEqual([]);
  });

  it("refuses another preview's or a foreign Application, a foreign namespace, and an unfit project, changing nothing", async () => {
    const { cluster, engine } = await setup();
    const foreign = { ...renderApplication(deployment(SHA1), settings) };
    cluster.applications.set(NAME, {
      ...foreign,
      metadata: { ...foreign.metadata, labels: ours(OTHER_ID) },
    });
    await expect(engine.deploy(deployment(SHA1))).rejects.toThrow(
      PreviewOwnershipError,
    );
    await expect(engine.deploy(deployment(SHA1))).rejects.toThrow(
      /belongs to another preview/,
    );
    cluster.applications.set(NAME, {
      ...foreign,
      metadata: { ...foreign.metadata, labels: {} },
    });
    await expect(engine.deploy(deployment(SHA1))).rejects.toThrow(
      /not managed by Backstage Previews/,
    );
    cluster.applications.clear();

    cluster.namespaces.set(NAME, { metadata: { name: NAME } });
    await expect(engine.deploy(deployment(SHA1))).rejects.toThrow(
      PreviewOwnershipError,
    );
    cluster.namespaces.clear();

    cluster.projects.set('previews', {
      metadata: { name: 'previews' },
      spec: { destinations: [{ namespace: '*' }] },
    });
    await expect(engine.deploy(deployment(SHA1))).rejects.toThrow(InputError);
    cluster.projects.clear();
    await expect(engine.deploy(deployment(SHA1))).rejects.toThrow(
      /project previews does not exist/,
    );

    expect(cluster.writes).toEqual([]);
  });

  it('a failed sync request does not fail the deploy: the preview says so and nothing is deleted', async () => {
    const { cluster, engine, sync, logger } = await setup({ rest: true });
    await engine.deploy(deployment(SHA1));
    cluster.setStatus(NAME, {
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: SHA2 },
    });
    sync.mockRejectedValueOnce(new Error('503'));

    await expect(engine.deploy(deployment(SHA2))).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Argo CD sync request failed: 503'),
    );
    expect(await engine.observe(target)).toMatchObject({
      state: 'available',
      message: 'Argo CD sync request failed: 503',
    });
    expect(cluster.writes.filter(w => w.startsWith('delete'))).toEqual([]);
  });
});

describe('ArgoCdEngine.destroy', () => {
  it('deletes the Application once; again while it is being deleted changes nothing', async () => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    await engine.destroy(target);
    await engine.destroy(target);
    expect(cluster.writes.filter(w => w.startsWith('delete'))).toEqual([
      `delete Application argocd/${NAME}`,
    ]);
  });

  it('a 404 on delete is success (it went meanwhile)', async () => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    cluster.fail('deleteNamespacedCustomObject', 404);
    await expect(engine.destroy(target)).resolves.toBeUndefined();
    cluster.fail('deleteNamespacedCustomObject', 500);
    await expect(engine.destroy(target)).rejects.toThrow(/500/);
  });

  it('once the Application is gone, deletes the namespace only when it carries this preview', async () => {
    const { cluster, engine } = await setup();
    cluster.namespaces.set(NAME, {
      metadata: { name: NAME, labels: ours(OTHER_ID) },
    });
    await engine.destroy(target);
    cluster.namespaces.set(NAME, { metadata: { name: NAME } });
    await engine.destroy(target);
    expect(cluster.writes).toEqual([]);

    cluster.namespaces.set(NAME, {
      metadata: { name: NAME, labels: ours(ID) },
    });
    await engine.destroy(target);
    expect(cluster.writes).toEqual([`delete Namespace ${NAME}`]);
    // Nothing left at all: still a success.
    cluster.namespaces.clear();
    await expect(engine.destroy(target)).resolves.toBeUndefined();
  });

  it("leaves another preview's Application alone", async () => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    await expect(
      engine.destroy({ ...target, previewId: OTHER_ID }),
    ).rejects.toThrow(PreviewOwnershipError);
    expect(cluster.writes.filter(w => w.startsWith('delete'))).toEqual([]);
  });

  it('a failure reading the Application deletes nothing', async () => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    cluster.namespaces.set(NAME, {
      metadata: { name: NAME, labels: ours(ID) },
    });
    cluster.fail('getNamespacedCustomObject', 503);
    await expect(engine.destroy(target)).rejects.toThrow(/503/);
    expect(cluster.writes.filter(w => w.startsWith('delete'))).toEqual([]);
  });
});

describe('ArgoCdEngine.observe', () => {
  it.each<[string, string, ArgoApplicationStatus]>([
    [
      'Healthy and Synced',
      'available',
      { health: { status: 'Healthy' }, sync: { status: 'Synced' } },
    ],
    [
      'Progressing',
      'progressing',
      { health: { status: 'Progressing' }, sync: { status: 'Synced' } },
    ],
    [
      'Healthy but OutOfSync',
      'progressing',
      { health: { status: 'Healthy' }, sync: { status: 'OutOfSync' } },
    ],
    [
      'Degraded',
      'degraded',
      {
        health: { status: 'Degraded', message: 'crash loop' },
        sync: { status: 'Synced' },
      },
    ],
    [
      'a failed sync',
      'degraded',
      {
        health: { status: 'Healthy' },
        sync: { status: 'OutOfSync' },
        operationState: { phase: 'Failed' },
      },
    ],
  ])('maps %s to %s', async (_, state, status) => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    cluster.setStatus(NAME, status);
    expect(await engine.observe(target)).toMatchObject({
      name: NAME,
      previewId: ID,
      state,
    });
  });

  it('is terminating while the Application or our namespace remains, absent once both are gone', async () => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    cluster.namespaces.set(NAME, {
      metadata: { name: NAME, labels: ours(ID) },
    });
    await engine.destroy(target);
    expect(await engine.observe(target)).toMatchObject({
      state: 'terminating',
      message: expect.stringContaining('waits for Argo CD'),
    });
    cluster.applications.clear();
    expect(await engine.observe(target)).toMatchObject({
      state: 'terminating',
      message: `Namespace ${NAME} remains after its Application was deleted`,
    });
    cluster.namespaces.clear();
    expect(await engine.observe(target)).toEqual({
      name: NAME,
      state: 'absent',
    });
  });

  it('an Application or namespace that is not ours counts as absent', async () => {
    const { cluster, engine } = await setup();
    const app = renderApplication(deployment(SHA1), settings);
    cluster.applications.set(NAME, {
      ...app,
      metadata: { ...app.metadata, labels: {} },
    });
    cluster.namespaces.set(NAME, { metadata: { name: NAME } });
    expect((await engine.observe(target)).state).toBe('absent');
  });

  it('an API failure is an error, never "absent" (which would end the preview)', async () => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    cluster.fail('getNamespacedCustomObject', 500);
    await expect(engine.observe(target)).rejects.toThrow(/500/);
    cluster.fail('readNamespace', 403);
    await expect(engine.observe(target)).rejects.toThrow(/403/);
    expect(cluster.writes.filter(w => w.startsWith('delete'))).toEqual([]);
  });
});

describe('ArgoCdEngine.listManaged', () => {
  it('lists our Applications with their preview and installation', async () => {
    const { cluster, engine } = await setup();
    await engine.deploy(deployment(SHA1));
    cluster.applications.set('foreign', {
      ...renderApplication({ ...deployment(SHA1), name: 'foreign' }, settings),
      metadata: { name: 'foreign', namespace: 'argocd' },
    });
    expect(await engine.listManaged()).toEqual([
      {
        name: NAME,
        previewId: ID,
        installation: 'install-1',
        createdAt: undefined,
      },
    ]);
  });
});
