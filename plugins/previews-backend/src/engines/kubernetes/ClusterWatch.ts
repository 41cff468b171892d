import type {
  CoreV1Event,
  KubeConfig,
  KubernetesObject,
  ListWatch,
  V1Deployment,
  V1Job,
  V1Namespace,
  V1Pod,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { K8s } from '../shared/loadKubeConfig';
import { MANAGED_SELECTOR, PREVIEW_NAME_LABEL } from '../shared/labels';
import { PreviewClusterState } from './observePreview';
import { resilientWatch } from '../shared/resilientWatch';
import { compactList, compactingWatch } from './compactObject';

const RESTART_AFTER_MS = 2000;
const DEBOUNCE_MS = 100;

/**
 * One watch per kind for every preview of one cluster (namespaces,
 * Deployments, pods over the managed-by label; warning events), kept in
 * caches. Observers hear the names of previews whose state changed, a
 * little debounced so a burst of pod updates becomes one observation.
 * Its request count does not grow with the number of previews.
 */
export class ClusterWatch {
  private readonly namespaces: ListWatch<V1Namespace>;
  private readonly deployments: ListWatch<V1Deployment>;
  private readonly pods: ListWatch<V1Pod>;
  private readonly events: ListWatch<CoreV1Event>;
  /** Seed and migrate Jobs (issue 7): one more watch, not one per preview. */
  private readonly jobs: ListWatch<V1Job>;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  /** Kinds whose listing is loaded; the caches are complete when all of them are. */
  private readonly running = new Set<string>();

  constructor(
    k8s: K8s,
    kc: KubeConfig,
    readonly cluster: string,
    private readonly logger: LoggerService,
    private readonly onChange: (name: string) => void,
  ) {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    // Reconnect failures become informer errors (and restarts) instead of a silent stop.
    // The caches keep objects compacted (no managedFields): they hold every preview's objects.
    const watch = resilientWatch(compactingWatch(new k8s.Watch(kc)));
    const listWatch = <T extends KubernetesObject>(
      path: string,
      list: () => Promise<{
        items: T[];
        metadata?: { resourceVersion?: string };
      }>,
      labelSelector?: string,
      fieldSelector?: string,
    ) =>
      new k8s.ListWatch<T>(
        path,
        watch,
        (() => compactList(list())) as never,
        false,
        labelSelector,
        fieldSelector,
      );

    this.namespaces = listWatch<V1Namespace>(
      '/api/v1/namespaces',
      () => core.listNamespace({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    this.deployments = listWatch<V1Deployment>(
      '/apis/apps/v1/deployments',
      () =>
        apps.listDeploymentForAllNamespaces({
          labelSelector: MANAGED_SELECTOR,
        }),
      MANAGED_SELECTOR,
    );
    this.pods = listWatch<V1Pod>(
      '/api/v1/pods',
      () => core.listPodForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    this.jobs = listWatch<V1Job>(
      '/apis/batch/v1/jobs',
      () => batch.listJobForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    // Events carry no labels of ours: watch warnings only, keep those of our namespaces.
    this.events = listWatch<CoreV1Event>(
      '/api/v1/events',
      () => core.listEventForAllNamespaces({ fieldSelector: 'type=Warning' }),
      undefined,
      'type=Warning',
    );

    const byNamespace = (o: KubernetesObject) =>
      this.changed(o.metadata?.namespace);
    this.namespaces.on('add', o => this.changed(o.metadata?.name, true));
    this.namespaces.on('update', o => this.changed(o.metadata?.name, true));
    this.namespaces.on('delete', o => this.changed(o.metadata?.name, true));
    for (const informer of [
      this.deployments,
      this.pods,
      this.events,
      this.jobs,
    ] as ListWatch<KubernetesObject>[]) {
      informer.on('add', byNamespace);
      informer.on('update', byNamespace);
      informer.on('delete', byNamespace);
    }
  }

  private changed(name: string | undefined, isPreviewNamespace = false) {
    if (!name || this.stopped) return;
    // Events come from every namespace; only those of our namespaces matter.
    if (!isPreviewNamespace && !this.namespaces.get(name)) return;
    clearTimeout(this.pending.get(name));
    this.pending.set(
      name,
      setTimeout(() => {
        this.pending.delete(name);
        this.onChange(name);
      }, DEBOUNCE_MS),
    );
  }

  /** Starts every watch; a watch that fails or ends is restarted until stop(). */
  async start(): Promise<void> {
    const keep = (kind: string, informer: ListWatch<KubernetesObject>) => {
      const restartLater = (again: () => Promise<void>) =>
        setTimeout(() => {
          if (!this.stopped) again();
        }, RESTART_AFTER_MS);
      const start = (): Promise<void> =>
        informer.start().then(
          () => {
            this.running.add(kind);
          },
          e => {
            this.logger.warn(
              `Watch of ${kind} in cluster ${this.cluster} could not start (${e}); retrying`,
            );
            restartLater(start);
          },
        );
      informer.on('error', (err: unknown) => {
        if (this.stopped) return;
        this.running.delete(kind);
        this.logger.warn(
          `Watch of ${kind} in cluster ${this.cluster} ended (${err}); restarting`,
        );
        restartLater(start);
      });
      return start();
    };
    await Promise.all([
      keep('namespaces', this.namespaces as ListWatch<KubernetesObject>),
      keep('deployments', this.deployments as ListWatch<KubernetesObject>),
      keep('pods', this.pods as ListWatch<KubernetesObject>),
      keep('events', this.events as ListWatch<KubernetesObject>),
      keep('jobs', this.jobs as ListWatch<KubernetesObject>),
    ]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    await Promise.all(
      [
        this.namespaces,
        this.deployments,
        this.pods,
        this.events,
        this.jobs,
      ].map(i => i.stop()),
    );
  }

  /** Whether the caches hold a full listing (so a missing namespace really is missing). */
  get isSynced(): boolean {
    return this.running.size === 5;
  }

  /** The cached state of one preview. */
  stateOf(name: string): PreviewClusterState {
    return {
      name,
      cluster: this.cluster,
      namespace: this.namespaces.get(name),
      deployments: this.deployments
        .list(name)
        .filter(d => d.metadata?.labels?.[PREVIEW_NAME_LABEL] === name),
      pods: this.pods.list(name),
      events: this.events.list(name),
      jobs: this.jobs.list(name),
    };
  }

  /** Every managed namespace in the cache. */
  managedNamespaces(): readonly V1Namespace[] {
    return this.namespaces.list();
  }
}
