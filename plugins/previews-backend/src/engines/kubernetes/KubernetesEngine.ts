import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ManagedObjectSet,
  PreviewDeployment,
  PreviewEngine,
  PreviewObservation,
  PreviewObserver,
  PreviewOwnershipError,
  PreviewResourceRequests,
  PreviewTarget,
  PreviewTracking,
} from '@backstage-previews/plugin-previews-node';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { ClusterConnection, K8s, loadK8s } from '../shared/loadKubeConfig';
import { RenderOptions, renderPreviewObjects } from './render';
import { renderSecretAccessBinding } from './renderSecretAccess';
import { apiserverCidr, defaultEgress } from './renderEgress';
import {
  FIELD_MANAGER,
  INSTALLATION_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  PREVIEW_ID_LABEL,
} from '../shared/labels';
import { ClusterWatch } from './ClusterWatch';
import { observePreview } from './observePreview';
import { prepareDatabases } from './prepareDatabases';
import { SharedPostgres } from './SharedPostgres';
import { SEED_STEP_LABEL } from './renderSeedJobs';
import { SeedLogTails } from './seedLogTails';
import { DEFAULT_RETRY, retryTransient } from './retryTransient';
import { SecretSource, secretSourceProblems } from './secretSources';
import { NO_PLACEMENT, PlacementPolicy, placementProblems } from './placementPolicy';
import { defaultRequestsOf, requestsOf } from '../shared/resourceRequests';
import { serviceUrl } from './serviceUrl';

/** Kinds a redeploy may leave behind (everything rendered inside the namespace). */
const PRUNABLE_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  // Seed and migrate Jobs of older seed generations.
  { apiVersion: 'batch/v1', kind: 'Job' },
];

const LATE_KINDS = new Set(['Deployment', 'Service', 'Ingress', 'StatefulSet', 'Job']);

/** Splits rendered objects into the stages they are applied in. */
export function applyStages(objects: KubernetesObject[]): KubernetesObject[][] {
  const first = (o: KubernetesObject) => o.kind === 'Namespace' || o.kind === 'RoleBinding';
  const namespace = objects.filter(o => o.kind === 'Namespace');
  // The backend's Secret access in the namespace, before any Secret is written.
  const binding = objects.filter(o => o.kind === 'RoleBinding');
  const rest = objects.filter(o => !first(o));
  return [
    namespace,
    binding,
    rest.filter(o => !LATE_KINDS.has(o.kind ?? '')),
    rest.filter(o => LATE_KINDS.has(o.kind ?? '')),
  ].filter(s => s.length);
}

/** How long a new Secret RoleBinding may take to reach the apiserver's authorizer. */
const SECRET_ACCESS_WAIT_MS = 15_000;

function statusCode(e: unknown): number | undefined {
  return (e as { code?: number })?.code;
}

interface Cluster extends ClusterConnection {
  watch?: ClusterWatch;
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
  private readonly clusters = new Map<string, Cluster>();
  /** Deployment generations we applied last, per preview name (see observePreview). */
  private readonly appliedGenerations = new Map<string, Map<string, number>>();
  /** `cluster/name` of the namespaces this process applied (see observeTracked). */
  private readonly appliedNamespaces = new Set<string>();

  static async create(options: {
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
  }): Promise<KubernetesEngine> {
    return new KubernetesEngine(await loadK8s(), options);
  }

  private constructor(
    private readonly k8s: K8s,
    private readonly options: {
      clusters: ClusterConnection[];
      defaultCluster: string;
      logger: LoggerService;
      render?: RenderOptions;
      sharedPostgres?: SharedPostgres;
      seedDownloadImage?: string;
      secretSources?: SecretSource[];
      placement?: PlacementPolicy;
    },
  ) {
    for (const c of options.clusters) this.clusters.set(c.name, { ...c });
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

  private clusterOf(target: { cluster?: string }): Cluster {
    const name = target.cluster ?? this.options.defaultCluster;
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new InputError(
        `Unknown cluster ${JSON.stringify(name)}; configured clusters: ${[...this.clusters.keys()].join(', ')}`,
      );
    }
    return cluster;
  }

  private async readNamespace(cluster: Cluster, name: string): Promise<V1Namespace | undefined> {
    try {
      return await retryTransient(() => cluster.kc.makeApiClient(this.k8s.CoreV1Api).readNamespace({ name }));
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
  }

  /** The render options, with this cluster's apiserver address among the egress policy's blocked ranges. */
  private renderOptionsFor(cluster: Cluster): RenderOptions {
    const options = this.options.render ?? {};
    if (options.egress === false) return options;
    const egress = options.egress ?? defaultEgress();
    const apiserver = apiserverCidr(cluster.kc.getCurrentCluster()?.server);
    if (!apiserver || egress.blockCidrs.includes(apiserver)) return { ...options, egress };
    return { ...options, egress: { ...egress, blockCidrs: [...egress.blockCidrs, apiserver] } };
  }

  /** Refuses to touch a namespace that exists and is not this preview's. */
  private assertOwned(ns: V1Namespace | undefined, target: PreviewTarget): void {
    if (!ns) return;
    const labels = ns.metadata?.labels ?? {};
    if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
      throw new PreviewOwnershipError(
        `Namespace ${target.name} already exists and is not managed by Backstage Previews; it was left untouched`,
      );
    }
    if (labels[PREVIEW_ID_LABEL] !== target.previewId) {
      throw new PreviewOwnershipError(
        `Namespace ${target.name} belongs to another preview (${labels[PREVIEW_ID_LABEL]})${
          ns.metadata?.deletionTimestamp ? ' that is still being deleted' : ''
        }; it was left untouched`,
      );
    }
  }

  specProblems(spec: PreviewSpec, context: { entityRef: string }): string[] {
    return [
      ...secretSourceProblems(spec.secrets, this.options.secretSources ?? [], context.entityRef),
      ...placementProblems(spec, this.options.placement ?? NO_PLACEMENT),
    ];
  }

  /**
   * Reads the secrets the spec copies into the preview, from their source
   * namespaces (the configured secret sources only: see deploy).
   */
  private async readCopiedSecrets(cluster: Cluster, deployment: PreviewDeployment) {
    const core = cluster.kc.makeApiClient(this.k8s.CoreV1Api);
    const copies: Record<string, { type?: string; data?: Record<string, string> }> = {};
    for (const s of deployment.spec.secrets ?? []) {
      try {
        const source = await core.readNamespacedSecret({ name: s.copyFrom.name, namespace: s.copyFrom.namespace });
        copies[s.name] = { type: source.type, data: source.data };
      } catch (e) {
        if (statusCode(e) === 404) {
          throw new InputError(
            `Secret ${s.copyFrom.namespace}/${s.copyFrom.name} (copied as ${s.name}) does not exist in cluster ${cluster.name}`,
          );
        }
        throw e;
      }
    }
    return copies;
  }

  async deploy(deployment: PreviewDeployment): Promise<void> {
    const cluster = this.clusterOf(deployment);
    const existing = await this.readNamespace(cluster, deployment.name);
    this.assertOwned(existing, deployment);
    // Checked before the deploy too (PreviewService); again here, so no path to a deploy skips it.
    const problems = this.specProblems(deployment.spec, deployment);
    if (problems.length) throw new InputError(`Invalid preview spec of ${deployment.entityRef}: ${problems.join('; ')}`);
    const copies = await this.readCopiedSecrets(cluster, deployment);
    const seedJobs = existing && deployment.spec.databases?.postgres ? await this.listSeedJobs(cluster, deployment) : [];
    const options = this.renderOptionsFor(cluster);
    // A namespace made before namespace-scoped Secret access was configured: its binding first, since its database passwords are read next.
    if (existing && options.secretAccess) {
      await this.applyObject(cluster, deployment, renderSecretAccessBinding(deployment, options.secretAccess));
      await this.waitForSecretAccess(cluster, deployment.name);
    }
    const databases = await prepareDatabases({
      core: cluster.kc.makeApiClient(this.k8s.CoreV1Api),
      namespaceExists: !!existing,
      deployment,
      existingJobs: seedJobs,
      sharedPostgres: this.options.sharedPostgres,
      downloadImage: this.options.seedDownloadImage,
    });
    const rendered = renderPreviewObjects(deployment, options, copies, databases);
    // Jobs run once and cannot change: one of this generation that exists stays as it is.
    const ran = new Set(seedJobs.map(j => j.metadata?.name));
    const toApply = rendered.filter(o => !(o.kind === 'Job' && ran.has(o.metadata?.name)));
    const generations = new Map<string, number>();
    const apply = async (o: KubernetesObject) => {
      const applied = await this.applyObject(cluster, deployment, o);
      if (o.kind === 'Namespace') this.appliedNamespaces.add(`${cluster.name}/${deployment.name}`);
      if (o.kind === 'Deployment' && applied.metadata?.name && applied.metadata.generation) {
        generations.set(applied.metadata.name, applied.metadata.generation);
      }
      return applied;
    };
    // The namespace first; then policies, accounts, secrets and config, so
    // pods are admitted with their limits and find their config; then the
    // workloads and what routes to them. Each stage in parallel.
    for (const stage of applyStages(toApply)) {
      await Promise.all(stage.map(apply));
      if (stage.some(o => o.kind === 'RoleBinding')) await this.waitForSecretAccess(cluster, deployment.name);
    }
    this.appliedGenerations.set(deployment.name, generations);
    // A redeploy may drop workloads: remove what this preview no longer renders.
    if (existing) await this.prune(cluster, deployment, rendered);
  }

  /** Server-side apply of one object; rate limits, 5xx, conflicts and refused connections are retried with backoff. */
  private async applyObject(cluster: Cluster, target: PreviewTarget, o: KubernetesObject): Promise<KubernetesObject> {
    const objects = cluster.kc.makeApiClient(this.k8s.KubernetesObjectApi);
    return retryTransient(
      () => objects.patch(o, undefined, undefined, FIELD_MANAGER, true, this.k8s.PatchStrategy.ServerSideApply),
      {
        ...DEFAULT_RETRY,
        onRetry: (e, attempt, delay) =>
          this.options.logger.warn(
            `Applying ${o.kind} ${o.metadata?.name} in ${target.name} failed (${String(e).split('\n')[0]}), retry ${attempt} in ${delay} ms`,
          ),
      },
    );
  }

  /**
   * Waits until the apiserver's authorizer lets the backend write Secrets in
   * the namespace: a RoleBinding just applied takes a moment to count.
   */
  private async waitForSecretAccess(cluster: Cluster, namespace: string): Promise<void> {
    const authorization = cluster.kc.makeApiClient(this.k8s.AuthorizationV1Api);
    const deadline = Date.now() + SECRET_ACCESS_WAIT_MS;
    for (;;) {
      const review = await retryTransient(() =>
        authorization.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { namespace, verb: 'patch', resource: 'secrets' } } },
        }),
      );
      if (review.status?.allowed) return;
      if (Date.now() > deadline) {
        throw new Error(
          `The backend may still not write Secrets in namespace ${namespace} after binding ClusterRole ${this.options.render?.secretAccess?.clusterRole} there (${review.status?.reason || 'no reason given'}); check previews.kubernetes.secretAccess against deploy/rbac`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  /** The seed and migrate Jobs of the preview (by its id). */
  private async listSeedJobs(cluster: Cluster, target: PreviewTarget) {
    const list = await cluster.kc
      .makeApiClient(this.k8s.BatchV1Api)
      .listNamespacedJob({ namespace: target.name, labelSelector: `${PREVIEW_ID_LABEL}=${target.previewId},${SEED_STEP_LABEL}` });
    return list.items;
  }

  /** Deletes objects carrying this preview's id that the latest render no longer contains. */
  private async prune(cluster: Cluster, target: PreviewTarget, rendered: KubernetesObject[]) {
    const keep = new Set(rendered.map(o => `${o.kind}/${o.metadata?.name}`));
    const objects = cluster.kc.makeApiClient(this.k8s.KubernetesObjectApi);
    const labelSelector = `${PREVIEW_ID_LABEL}=${target.previewId}`;
    for (const { apiVersion, kind } of PRUNABLE_KINDS) {
      const list = await objects.list(apiVersion, kind, target.name, undefined, undefined, undefined, undefined, labelSelector);
      for (const o of list.items) {
        if (keep.has(`${kind}/${o.metadata?.name}`)) continue;
        try {
          // Background: a Job's pods go with it.
          await objects.delete(
            { apiVersion, kind, metadata: { name: o.metadata?.name, namespace: target.name } },
            undefined,
            undefined,
            undefined,
            undefined,
            'Background',
          );
        } catch (e) {
          if (statusCode(e) !== 404) throw e;
        }
      }
    }
  }

  async destroy(target: PreviewTarget): Promise<void> {
    const cluster = this.clusterOf(target);
    const ns = await this.readNamespace(cluster, target.name);
    this.assertOwned(ns, target);
    if (ns && !ns.metadata?.deletionTimestamp) {
      try {
        // Only the namespace checked above: one recreated since under the same name is not deleted.
        await cluster.kc.makeApiClient(this.k8s.CoreV1Api).deleteNamespace({
          name: target.name,
          body: { propagationPolicy: 'Background', preconditions: { uid: ns.metadata!.uid } },
        });
      } catch (e) {
        if (statusCode(e) === 409) {
          throw new Error(`namespace ${target.name} was replaced while it was being destroyed; it was left alone (the next destroy checks it again)`);
        }
        if (statusCode(e) !== 404) throw e;
      }
    }
    // The preview's database on the shared server (named after its id; idempotent).
    await this.options.sharedPostgres?.drop(target.previewId);
  }

  /** Log tails of failed seed steps without a termination message, per cluster. */
  private readonly seedLogs = new Map<string, SeedLogTails>();

  private seedLogsOf(cluster: Cluster): SeedLogTails {
    let logs = this.seedLogs.get(cluster.name);
    if (!logs) {
      const core = cluster.kc.makeApiClient(this.k8s.CoreV1Api);
      logs = new SeedLogTails(
        (namespace, name, container, tailLines) => core.readNamespacedPodLog({ namespace, name, container, tailLines }),
        // What the portal must never show of a failed step's log: the values of the preview's own Secrets.
        async namespace => {
          const secrets = await core.listNamespacedSecret({ namespace, labelSelector: MANAGED_SELECTOR });
          return secrets.items.flatMap(s => Object.values(s.data ?? {}).map(v => Buffer.from(v, 'base64').toString('utf8')));
        },
      );
      this.seedLogs.set(cluster.name, logs);
    }
    return logs;
  }

  async observe(target: PreviewTarget): Promise<PreviewObservation> {
    const cluster = this.clusterOf(target);
    if (cluster.watch?.isSynced) {
      const watch = cluster.watch;
      return this.observeTracked(cluster, watch, target.name);
    }
    // Not tracking (or not yet synced): read this one preview directly.
    const ns = await this.readNamespace(cluster, target.name);
    if (!ns) return observePreview({ name: target.name, cluster: cluster.name, deployments: [], pods: [], events: [] });
    const core = cluster.kc.makeApiClient(this.k8s.CoreV1Api);
    const [deployments, pods, events, jobs] = await Promise.all([
      cluster.kc.makeApiClient(this.k8s.AppsV1Api).listNamespacedDeployment({ namespace: target.name }),
      core.listNamespacedPod({ namespace: target.name }),
      core.listNamespacedEvent({ namespace: target.name, fieldSelector: 'type=Warning' }),
      cluster.kc.makeApiClient(this.k8s.BatchV1Api).listNamespacedJob({ namespace: target.name }),
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
  private async observeTracked(cluster: Cluster, watch: ClusterWatch, name: string): Promise<PreviewObservation> {
    const state = watch.stateOf(name);
    const key = `${cluster.name}/${name}`;
    if (!state.namespace && this.appliedNamespaces.has(key)) {
      const namespace = await this.readNamespace(cluster, name);
      if (namespace) {
        const lagging = { ...state, namespace };
        return this.seedLogsOf(cluster).complete(
          observePreview({ ...lagging, appliedGenerations: this.appliedGenerations.get(name) }),
          lagging,
        );
      }
      this.appliedNamespaces.delete(key);
    }
    if (!state.namespace) this.appliedGenerations.delete(name);
    return this.seedLogsOf(cluster).complete(
      observePreview({ ...state, appliedGenerations: this.appliedGenerations.get(name) }),
      state,
    );
  }

  async track(observer: PreviewObserver): Promise<PreviewTracking> {
    const watches: ClusterWatch[] = [];
    for (const cluster of this.clusters.values()) {
      const watch = new ClusterWatch(this.k8s, cluster.kc, cluster.name, this.options.logger, name => {
        this.observeTracked(cluster, watch, name)
          .then(observer)
          .catch(e =>
          this.options.logger.warn(`Failed to record observation of ${name}: ${e}`),
        );
      });
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

  async listManaged() {
    const found: ManagedObjectSet[] = [];
    for (const cluster of this.clusters.values()) {
      const namespaces = cluster.watch?.isSynced
        ? cluster.watch.managedNamespaces()
        : (
            await cluster.kc
              .makeApiClient(this.k8s.CoreV1Api)
              .listNamespace({ labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` })
          ).items;
      for (const ns of namespaces) {
        if (!ns.metadata?.name) continue;
        const created = ns.metadata.creationTimestamp;
        found.push({
          name: ns.metadata.name,
          previewId: ns.metadata.labels?.[PREVIEW_ID_LABEL],
          installation: ns.metadata.labels?.[INSTALLATION_LABEL],
          cluster: cluster.name,
          createdAt: created ? new Date(created).toISOString() : undefined,
        });
      }
    }
    return found;
  }

  async destroyOrphan(orphan: { name: string; previewId?: string; cluster?: string }): Promise<void> {
    if (!orphan.previewId) return;
    await this.destroy({ previewId: orphan.previewId, name: orphan.name, cluster: orphan.cluster, entityRef: '', branch: '' });
  }
}
