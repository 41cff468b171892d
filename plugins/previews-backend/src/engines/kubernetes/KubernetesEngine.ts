import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ManagedObjectSet,
  PreviewDeployment,
  PreviewEngine,
  PreviewObservation,
  PreviewObserver,
  PreviewResourceRequests,
  PreviewTarget,
  PreviewTestRunner,
  PreviewTracking,
} from '@backstage-previews/plugin-previews-node';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { ClusterConnection, K8s, loadK8s } from '../shared/loadKubeConfig';
import { defaultRequestsOf, requestsOf } from '../shared/resourceRequests';
import { RenderOptions } from './render';
import { KubernetesRuntime } from './KubernetesRuntime';
import { ClusterWatch } from './ClusterWatch';
import { SharedPostgres } from './SharedPostgres';
import { SecretSource, secretSourceProblems } from './secretSources';
import {
  NO_PLACEMENT,
  PlacementPolicy,
  placementProblems,
} from './placementPolicy';
import { serviceUrl } from './serviceUrl';
import { TrackedCluster } from './trackedCluster';
import { assertOwned, readNamespace } from './previewNamespace';
import { applyPreview } from './applyPreview';
import { prunePreview } from './prunePreview';
import { destroyNamespace } from './destroyNamespace';
import { PreviewObservations } from './PreviewObservations';
import { listManagedNamespaces } from './listManagedNamespaces';
import { startTestRun } from './startTestRun';

interface KubernetesEngineOptions {
  clusters: ClusterConnection[];
  defaultCluster: string;
  logger: LoggerService;
  render?: RenderOptions;
  /** `previews.databases.postgres.shared`: PostgreSQL databases on one shared server. */
  sharedPostgres?: SharedPostgres;
  /** Image that downloads `seed.url` dumps. */
  seedDownloadImage?: string;
  /** `previews.kubernetes.secretSources`: where `secrets[].copyFrom` may read. Default: nowhere. */
  secretSources?: SecretSource[];
  /** `previews.kubernetes.placement`: the node labels and tolerations specs may choose. Default: none. */
  placement?: PlacementPolicy;
}

/**
 * Runs each preview in its own namespace of one of its clusters: renders
 * the objects (pure), applies them with server-side apply, follows them
 * with one watch per kind per cluster, and deletes the namespace on destroy.
 */
export class KubernetesEngine implements PreviewEngine {
  readonly id = 'kubernetes';
  readonly title = 'Kubernetes';
  readonly canSleep = true;
  readonly supportsDatabases = true;
  readonly runtime: KubernetesRuntime;
  /** Smoke tests run as Jobs in the preview's namespace; their results come with its observations. */
  readonly tests: PreviewTestRunner = {
    start: (target, request) =>
      startTestRun(
        this.k8s,
        this.clusterOf(target),
        target,
        request,
        this.options,
      ),
  };
  private readonly clusters = new Map<string, TrackedCluster>();
  private readonly observations: PreviewObservations;

  static async create(
    options: KubernetesEngineOptions,
  ): Promise<KubernetesEngine> {
    return new KubernetesEngine(await loadK8s(), options);
  }

  private constructor(
    private readonly k8s: K8s,
    private readonly options: KubernetesEngineOptions,
  ) {
    for (const c of options.clusters) this.clusters.set(c.name, { ...c });
    this.runtime = new KubernetesRuntime(k8s, target => this.clusterOf(target));
    this.observations = new PreviewObservations(k8s);
  }

  /** For the cost: containers without requests get the LimitRange's default request. */
  requestsOf(spec: PreviewSpec): PreviewResourceRequests {
    return requestsOf(spec, defaultRequestsOf(this.options.render?.limitRange));
  }

  /** Other previews reach this one through its Service, inside the cluster. */
  serviceUrlOf(deployment: PreviewDeployment): string | undefined {
    return serviceUrl(deployment.name, deployment.spec);
  }

  get defaultCluster(): string {
    return this.options.defaultCluster;
  }

  private clusterOf(target: { cluster?: string }): TrackedCluster {
    const name = target.cluster ?? this.options.defaultCluster;
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new InputError(
        `Unknown cluster ${JSON.stringify(name)}; configured clusters: ${[
          ...this.clusters.keys(),
        ].join(', ')}`,
      );
    }
    return cluster;
  }

  specProblems(spec: PreviewSpec, context: { entityRef: string }): string[] {
    return [
      ...secretSourceProblems(
        spec.secrets,
        this.options.secretSources ?? [],
        context.entityRef,
      ),
      ...placementProblems(spec, this.options.placement ?? NO_PLACEMENT),
    ];
  }

  async deploy(deployment: PreviewDeployment): Promise<void> {
    const cluster = this.clusterOf(deployment);
    const existing = await readNamespace(this.k8s, cluster, deployment.name);
    assertOwned(existing, deployment);
    // Checked before the deploy too (PreviewService); again here, so no path to a deploy skips it.
    const problems = this.specProblems(deployment.spec, deployment);
    if (problems.length)
      throw new InputError(
        `Invalid preview spec of ${deployment.entityRef}: ${problems.join(
          '; ',
        )}`,
      );
    const { rendered, generations } = await applyPreview(
      this.k8s,
      cluster,
      deployment,
      {
        existing,
        logger: this.options.logger,
        render: this.options.render,
        sharedPostgres: this.options.sharedPostgres,
        seedDownloadImage: this.options.seedDownloadImage,
        onNamespaceApplied: () =>
          this.observations.namespaceApplied(cluster.name, deployment.name),
      },
    );
    this.observations.generationsApplied(deployment.name, generations);
    // A redeploy may drop workloads: remove what this preview no longer renders.
    if (existing) await prunePreview(this.k8s, cluster, deployment, rendered);
  }

  async destroy(target: PreviewTarget): Promise<void> {
    const cluster = this.clusterOf(target);
    await destroyNamespace(this.k8s, cluster, target);
    // The preview's database on the shared server (named after its id; idempotent).
    await this.options.sharedPostgres?.drop(target.previewId);
  }

  async observe(target: PreviewTarget): Promise<PreviewObservation> {
    return this.observations.observe(this.clusterOf(target), target);
  }

  async track(observer: PreviewObserver): Promise<PreviewTracking> {
    const watches: ClusterWatch[] = [];
    for (const cluster of this.clusters.values()) {
      const watch = new ClusterWatch(
        this.k8s,
        cluster.kc,
        cluster.name,
        this.options.logger,
        name => {
          this.observations
            .observeTracked(cluster, watch, name)
            .then(observer)
            .catch(e =>
              this.options.logger.warn(
                `Failed to record observation of ${name}: ${e}`,
              ),
            );
        },
      );
      cluster.watch = watch;
      watches.push(watch);
    }
    await Promise.all(watches.map(w => w.start()));
    return {
      stop: async () => {
        for (const cluster of this.clusters.values()) cluster.watch = undefined;
        await Promise.all(watches.map(w => w.stop()));
      },
    };
  }

  async listManaged(): Promise<ManagedObjectSet[]> {
    return listManagedNamespaces(this.k8s, this.clusters.values());
  }

  async destroyOrphan(orphan: {
    name: string;
    previewId?: string;
    cluster?: string;
  }): Promise<void> {
    if (!orphan.previewId) return;
    await this.destroy({
      previewId: orphan.previewId,
      name: orphan.name,
      cluster: orphan.cluster,
      entityRef: '',
      branch: '',
    });
  }
}
