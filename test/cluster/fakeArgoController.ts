import type {
  KubeConfig,
  KubernetesObject,
  ListWatch,
} from '@kubernetes/client-node';

type K8s = typeof import('@kubernetes/client-node');

interface App extends KubernetesObject {
  spec?: {
    source?: { targetRevision?: string };
    destination?: { namespace?: string };
    syncPolicy?: {
      syncOptions?: string[];
      managedNamespaceMetadata?: {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
    };
  };
}

const MANAGER = 'fake-argocd';
/** The one resource each Application "deploys" into its namespace. */
export const FAKE_RESOURCE = 'argo-app-resources';

/**
 * Plays Argo CD for tests, driven by a watch on the Applications of one
 * namespace: creates the destination namespace (as CreateNamespace does,
 * with managedNamespaceMetadata), deploys one ConfigMap, reports Progressing
 * then Healthy/Synced (Degraded when the source mentions `degraded`), and on
 * deletion removes its ConfigMap and then the finalizer.
 * Hooks: `hold` keeps an app Progressing, `hang` keeps its finalizer.
 */
export class FakeArgoController {
  readonly hold = new Set<string>();
  readonly hang = new Set<string>();
  private readonly done = new Map<string, string>();
  private informer?: ListWatch<App>;

  constructor(
    private readonly k8s: K8s,
    private readonly kc: KubeConfig,
    private readonly namespace = 'argocd',
  ) {}

  async start(): Promise<void> {
    const custom = this.kc.makeApiClient(this.k8s.CustomObjectsApi);
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${this.namespace}/applications`;
    this.informer = new this.k8s.ListWatch<App>(
      path,
      new this.k8s.Watch(this.kc),
      (() =>
        custom.listNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace: this.namespace,
          plural: 'applications',
        })) as never,
      false,
    );
    const handle = (app: App) =>
      this.handle(app).catch(e => {
        // eslint-disable-next-line no-console
        console.warn(
          `fake Argo CD controller: ${app.metadata?.name}: ${e?.body ?? e}`,
        );
      });
    this.informer.on('add', handle);
    this.informer.on('update', handle);
    await this.informer.start();
  }

  async stop(): Promise<void> {
    await this.informer?.stop();
  }

  /** Handles an app again (after changing a hook). */
  async retry(name: string): Promise<void> {
    this.done.delete(name);
    const app = this.informer?.get(name, this.namespace);
    if (app) await this.handle(app);
  }

  private patch(app: App, body: Record<string, unknown>) {
    return this.kc.makeApiClient(this.k8s.KubernetesObjectApi).patch(
      {
        apiVersion: app.apiVersion,
        kind: app.kind,
        metadata: { name: app.metadata!.name, namespace: this.namespace },
        ...body,
      } as KubernetesObject,
      undefined,
      undefined,
      MANAGER,
      undefined,
      this.k8s.PatchStrategy.MergePatch,
    );
  }

  private async handle(app: App): Promise<void> {
    const name = app.metadata!.name!;
    const target = app.spec?.destination?.namespace;
    const core = this.kc.makeApiClient(this.k8s.CoreV1Api);
    if (app.metadata?.deletionTimestamp) {
      if (this.hang.has(name) || !app.metadata.finalizers?.length) return;
      if (target)
        await core
          .deleteNamespacedConfigMap({ name: FAKE_RESOURCE, namespace: target })
          .catch(() => undefined);
      await this.patch(app, {
        metadata: { name, namespace: this.namespace, finalizers: null },
      });
      return;
    }
    const key = JSON.stringify(app.spec);
    if (this.done.get(name) === key) return;
    this.done.set(name, key);
    if (
      target &&
      app.spec?.syncPolicy?.syncOptions?.includes('CreateNamespace=true')
    ) {
      const meta = app.spec.syncPolicy.managedNamespaceMetadata ?? {};
      await core
        .createNamespace({
          body: {
            metadata: {
              name: target,
              labels: meta.labels,
              annotations: meta.annotations,
            },
          },
        })
        .catch(() => undefined);
    }
    if (target) {
      await core
        .createNamespacedConfigMap({
          namespace: target,
          body: {
            metadata: { name: FAKE_RESOURCE },
            data: { revision: app.spec?.source?.targetRevision ?? '' },
          },
        })
        .catch(() => undefined);
    }
    await this.patch(app, {
      status: {
        health: { status: 'Progressing' },
        sync: { status: 'OutOfSync' },
      },
    });
    if (this.hold.has(name)) return;
    await new Promise(r => setTimeout(r, 300));
    if (this.done.get(name) !== key) return;
    const degraded = JSON.stringify(app.spec?.source).includes('degraded');
    await this.patch(app, {
      status: degraded
        ? {
            health: {
              status: 'Degraded',
              message: 'Deployment web exceeded its progress deadline',
            },
            sync: {
              status: 'Synced',
              revision: app.spec?.source?.targetRevision,
            },
            conditions: [
              { type: 'SyncError', message: 'readiness probe failed' },
            ],
          }
        : {
            health: { status: 'Healthy' },
            sync: {
              status: 'Synced',
              revision: app.spec?.source?.targetRevision,
            },
            operationState: {
              phase: 'Succeeded',
              message: 'successfully synced (all tasks run)',
              operation: {
                sync: { revision: app.spec?.source?.targetRevision },
              },
              startedAt: new Date().toISOString(),
            },
          },
    });
  }
}
