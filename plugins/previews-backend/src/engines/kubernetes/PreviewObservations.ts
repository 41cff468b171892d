import {
  PreviewObservation,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';
import { K8s } from '../shared/loadKubeConfig';
import { ClusterWatch } from './ClusterWatch';
import { clusterSeedLogTails } from './clusterSeedLogTails';
import { observePreview } from './observePreview';
import { readNamespace } from './previewNamespace';
import { SeedLogTails } from './seedLogTails';
import { TrackedCluster } from './trackedCluster';

/**
 * What the engine sees of a preview: from the watch cache while tracking,
 * else read directly. Remembers what this process applied, so a watch that
 * lags behind an apply does not report a stale state.
 */
export class PreviewObservations {
  /** Deployment generations we applied last, per preview name (see observePreview). */
  private readonly appliedGenerations = new Map<string, Map<string, number>>();
  /** `cluster/name` of the namespaces this process applied (see observeTracked). */
  private readonly appliedNamespaces = new Set<string>();
  /** Log tails of failed seed steps without a termination message, per cluster. */
  private readonly seedLogs = new Map<string, SeedLogTails>();

  constructor(private readonly k8s: K8s) {}

  namespaceApplied(cluster: string, name: string): void {
    this.appliedNamespaces.add(`${cluster}/${name}`);
  }

  generationsApplied(name: string, generations: Map<string, number>): void {
    this.appliedGenerations.set(name, generations);
  }

  private seedLogsOf(cluster: TrackedCluster): SeedLogTails {
    let logs = this.seedLogs.get(cluster.name);
    if (!logs) {
      logs = clusterSeedLogTails(this.k8s, cluster);
      this.seedLogs.set(cluster.name, logs);
    }
    return logs;
  }

  async observe(
    cluster: TrackedCluster,
    target: PreviewTarget,
  ): Promise<PreviewObservation> {
    if (cluster.watch?.isSynced) {
      const watch = cluster.watch;
      return this.observeTracked(cluster, watch, target.name);
    }
    // Not tracking (or not yet synced): read this one preview directly.
    const ns = await readNamespace(this.k8s, cluster, target.name);
    if (!ns)
      return observePreview({
        name: target.name,
        cluster: cluster.name,
        deployments: [],
        pods: [],
        events: [],
      });
    const core = cluster.kc.makeApiClient(this.k8s.CoreV1Api);
    const [deployments, pods, events, jobs] = await Promise.all([
      cluster.kc
        .makeApiClient(this.k8s.AppsV1Api)
        .listNamespacedDeployment({ namespace: target.name }),
      core.listNamespacedPod({ namespace: target.name }),
      core.listNamespacedEvent({
        namespace: target.name,
        fieldSelector: 'type=Warning',
      }),
      cluster.kc
        .makeApiClient(this.k8s.BatchV1Api)
        .listNamespacedJob({ namespace: target.name }),
    ]);
    const state = {
      name: target.name,
      cluster: cluster.name,
      namespace: ns,
      deployments: deployments.items,
      pods: pods.items,
      events: events.items,
      jobs: jobs.items,
    };
    return this.seedLogsOf(cluster).complete(observePreview(state), state);
  }

  /**
   * One preview from the watch cache. The namespace watch may not have
   * caught up with a namespace this process has just applied (other objects'
   * events can come first): then the apiserver is asked once, rather than
   * reporting a new preview's namespace as vanished.
   */
  async observeTracked(
    cluster: TrackedCluster,
    watch: ClusterWatch,
    name: string,
  ): Promise<PreviewObservation> {
    const state = watch.stateOf(name);
    const key = `${cluster.name}/${name}`;
    if (!state.namespace && this.appliedNamespaces.has(key)) {
      const namespace = await readNamespace(this.k8s, cluster, name);
      if (namespace) {
        const lagging = { ...state, namespace };
        return this.seedLogsOf(cluster).complete(
          observePreview({
            ...lagging,
            appliedGenerations: this.appliedGenerations.get(name),
          }),
          lagging,
        );
      }
      this.appliedNamespaces.delete(key);
    }
    if (!state.namespace) this.appliedGenerations.delete(name);
    return this.seedLogsOf(cluster).complete(
      observePreview({
        ...state,
        appliedGenerations: this.appliedGenerations.get(name),
      }),
      state,
    );
  }
}
