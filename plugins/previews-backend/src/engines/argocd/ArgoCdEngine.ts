import type {
  KubeConfig,
  KubernetesObject,
  V1Namespace,
} from '@kubernetes/client-node';
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
import { K8s, loadK8s } from '../shared/loadKubeConfig';
import {
  FIELD_MANAGER,
  INSTALLATION_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  PREVIEW_ID_LABEL,
} from '../shared/labels';
import {
  ARGOCD_GROUP,
  ARGOCD_PLURAL,
  ARGOCD_VERSION,
  ArgoApplication,
} from './application';
import {
  ApplicationSettings,
  kustomizeLabelsOf,
  renderApplication,
} from './renderApplication';
import { observeApplication } from './observeApplication';
import { ApplicationWatch } from './ApplicationWatch';
import { ArgoCdRestClient } from './ArgoCdRestClient';
import {
  APPPROJECT_PLURAL,
  AppProjectLike,
  appProjectProblems,
} from './appProjectProblems';
import {
  DEFAULT_CONTAINER_REQUEST,
  DefaultRequests,
  requestsOf,
} from '../shared/resourceRequests';

function statusCode(e: unknown): number | undefined {
  return (e as { code?: number })?.code;
}

/** Whether an object carries our managed-by label and, when given, this preview's id. */
function isOurs(
  o: { metadata?: { labels?: Record<string, string> } } | undefined,
  previewId?: string,
): boolean {
  const labels = o?.metadata?.labels ?? {};
  return (
    labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE &&
    (!previewId || labels[PREVIEW_ID_LABEL] === previewId)
  );
}

export interface ArgoCdEngineOptions extends ApplicationSettings {
  /** Kubernetes API of the cluster that hosts Argo CD (and, today, the previews). */
  kc: KubeConfig;
  logger: LoggerService;
  /** Base URL of the Argo CD UI, for links. */
  uiUrl?: string;
  /** Optional REST API client, for sync requests. */
  rest?: ArgoCdRestClient;
  /** How often deletions in progress are re-reported while tracking; default 5 s. */
  recheckIntervalMs?: number;
  /** For the cost: what containers without requests get (the LimitRange of `previews.kubernetes`). */
  defaultRequests?: DefaultRequests;
}

/**
 * Runs each preview as one Argo CD Application. Everything goes through the
 * Kubernetes API of the cluster hosting Argo CD; the REST API (optional)
 * only speeds up redeploys and never decides anything.
 *
 * Namespace rule: Argo CD creates the preview's namespace (CreateNamespace)
 * and labels it from `managedNamespaceMetadata` with our managed-by label
 * and the preview id. After the Application is gone the engine deletes that
 * namespace, but only when it carries both labels with this preview's id; a
 * namespace without them is never touched (and never counted as ours).
 */
export class ArgoCdEngine implements PreviewEngine {
  readonly id = 'argocd';
  readonly title = 'Argo CD';
  private watch?: ApplicationWatch;
  private observer?: PreviewObserver;
  /** Latest REST API problem per preview name, shown in its status message. */
  private readonly restProblems = new Map<string, string>();
  /** Generation of each Application as we last applied it (stale-cache guard). */
  private readonly appliedGenerations = new Map<string, number>();
  /** Previews being destroyed (name → id): their namespace goes once their Application is gone. */
  private readonly destroying = new Map<string, string>();

  static async create(options: ArgoCdEngineOptions): Promise<ArgoCdEngine> {
    return new ArgoCdEngine(await loadK8s(), options);
  }

  private constructor(
    private readonly k8s: K8s,
    private readonly options: ArgoCdEngineOptions,
  ) {}

  private get custom() {
    return this.options.kc.makeApiClient(this.k8s.CustomObjectsApi);
  }

  private get core() {
    return this.options.kc.makeApiClient(this.k8s.CoreV1Api);
  }

  private async readApplication(
    name: string,
  ): Promise<ArgoApplication | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        group: ARGOCD_GROUP,
        version: ARGOCD_VERSION,
        namespace: this.options.argoNamespace,
        plural: ARGOCD_PLURAL,
        name,
      })) as ArgoApplication;
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
  }

  /**
   * Refuses a project that lets the PR's manifests out of their namespace
   * (read before every deploy: a project may change at any time).
   */
  private async assertProjectFit(name: string): Promise<void> {
    let project: AppProjectLike;
    try {
      project = (await this.custom.getNamespacedCustomObject({
        group: ARGOCD_GROUP,
        version: ARGOCD_VERSION,
        namespace: this.options.argoNamespace,
        plural: APPPROJECT_PLURAL,
        name,
      })) as AppProjectLike;
    } catch (e) {
      if (statusCode(e) === 404) {
        throw new InputError(
          `Argo CD project ${name} does not exist in namespace ${this.options.argoNamespace}; previews need a project of their own (docs/security.md)`,
        );
      }
      throw e;
    }
    const problems = appProjectProblems(project, this.options.argoNamespace);
    if (problems.length) {
      throw new InputError(
        `Argo CD project ${name} cannot hold previews: ${problems.join(
          '; ',
        )}. Set previews.argocd.project to a project limited to preview namespaces (docs/security.md)`,
      );
    }
  }

  private async readNamespace(name: string): Promise<V1Namespace | undefined> {
    try {
      return await this.core.readNamespace({ name });
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
  }

  async deploy(deployment: PreviewDeployment): Promise<void> {
    const { name, previewId } = deployment;
    const existing = await this.readApplication(name);
    if (existing && !isOurs(existing, previewId)) {
      throw new PreviewOwnershipError(
        isOurs(existing)
          ? `Application ${this.options.argoNamespace}/${name} belongs to another preview (${existing.metadata.labels?.[PREVIEW_ID_LABEL]}); it was left untouched`
          : `Application ${this.options.argoNamespace}/${name} already exists and is not managed by Backstage Previews; it was left untouched`,
      );
    }
    if (existing?.metadata.deletionTimestamp) {
      throw new Error(
        `Application ${this.options.argoNamespace}/${name} is still being deleted`,
      );
    }
    const ns = await this.readNamespace(name);
    if (ns && !isOurs(ns, previewId)) {
      throw new PreviewOwnershipError(
        `Namespace ${name} already exists and is not this preview's; Argo CD was not pointed at it`,
      );
    }
    const app = renderApplication(
      deployment,
      this.options,
      kustomizeLabelsOf(existing),
    );
    await this.assertProjectFit(app.spec.project);
    const applied = await this.options.kc
      .makeApiClient(this.k8s.KubernetesObjectApi)
      .patch(
        app as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        this.k8s.PatchStrategy.ServerSideApply,
      );
    if (applied.metadata?.generation)
      this.appliedGenerations.set(name, applied.metadata.generation);
    this.restProblems.delete(name);
    // A new commit: ask Argo CD to sync now rather than at its next poll.
    if (existing && this.options.rest) {
      try {
        await this.options.rest.sync(name, this.options.argoNamespace);
      } catch (e) {
        const problem = `Argo CD sync request failed: ${(e as Error).message}`;
        this.options.logger.warn(`${problem} (preview ${name})`);
        this.restProblems.set(name, problem);
        this.report(name);
      }
    }
  }

  async destroy(target: PreviewTarget): Promise<void> {
    const { name, previewId } = target;
    const app = await this.readApplication(name);
    if (app) {
      if (!isOurs(app, previewId)) {
        throw new PreviewOwnershipError(
          `Application ${this.options.argoNamespace}/${name} is not this preview's; it was left untouched`,
        );
      }
      this.destroying.set(name, previewId);
      if (app.metadata.deletionTimestamp) return;
      try {
        await this.custom.deleteNamespacedCustomObject({
          group: ARGOCD_GROUP,
          version: ARGOCD_VERSION,
          namespace: this.options.argoNamespace,
          plural: ARGOCD_PLURAL,
          name,
        });
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
      return;
    }
    this.destroying.delete(name);
    await this.deleteNamespaceIfOurs(name, previewId);
  }

  /** The namespace rule (see the class comment): only a namespace carrying this preview's id. */
  private async deleteNamespaceIfOurs(
    name: string,
    previewId: string,
  ): Promise<void> {
    const ns = await this.readNamespace(name);
    if (!ns || !isOurs(ns, previewId) || ns.metadata?.deletionTimestamp) return;
    try {
      await this.core.deleteNamespace({
        name,
        propagationPolicy: 'Background',
      });
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
    }
  }

  async observe(target: PreviewTarget): Promise<PreviewObservation> {
    const { name } = target;
    const watch = this.watch;
    let application: ArgoApplication | undefined;
    let namespace: V1Namespace | undefined;
    if (watch?.isSynced) {
      application = watch.application(name);
      namespace = watch.namespace(name);
    } else {
      application = await this.readApplication(name);
      if (application && !isOurs(application)) application = undefined;
      namespace = await this.readNamespace(name);
    }
    if (!isOurs(namespace)) namespace = undefined;
    return observeApplication({
      name,
      argoNamespace: this.options.argoNamespace,
      application,
      namespace,
      restProblem: this.restProblems.get(name),
      appliedGeneration: this.appliedGenerations.get(name),
    });
  }

  /** Tells the tracker's observer about one preview now (from the caches). */
  private report(name: string, previewId = '') {
    const observer = this.observer;
    if (!observer) return;
    this.observe({ name, previewId, entityRef: '', branch: '' })
      .then(observer)
      .catch(e =>
        this.options.logger.warn(
          `Failed to record observation of ${name}: ${e}`,
        ),
      );
  }

  async track(observer: PreviewObserver): Promise<PreviewTracking> {
    this.observer = observer;
    const watch = new ApplicationWatch(
      this.k8s,
      this.options.kc,
      this.options.argoNamespace,
      this.options.logger,
      (name, event, kind) => {
        const previewId = this.destroying.get(name);
        if (kind === 'Application' && event === 'delete' && previewId) {
          this.destroying.delete(name);
          this.deleteNamespaceIfOurs(name, previewId).catch(e =>
            this.options.logger.warn(
              `Deleting namespace ${name} failed, the reconciler retries: ${e}`,
            ),
          );
        }
        this.report(name, previewId);
      },
    );
    this.watch = watch;
    await watch.start();
    // A hanging deletion sends no events: re-report what is terminating, so
    // the lifecycle can say what blocks it once the destroy timeout passes.
    const recheck = setInterval(() => {
      if (!watch.isSynced) return;
      for (const app of watch.allApplications())
        if (app.metadata.deletionTimestamp) this.report(app.metadata.name);
      for (const name of this.destroying.keys())
        if (!watch.application(name)) this.report(name);
    }, this.options.recheckIntervalMs ?? 5000);
    return {
      stop: async () => {
        clearInterval(recheck);
        this.observer = undefined;
        this.watch = undefined;
        await watch.stop();
      },
    };
  }

  /** For the cost: the Application's workloads, at the default request for containers that set none. */
  requestsOf(spec: PreviewSpec): PreviewResourceRequests {
    return requestsOf(
      spec,
      this.options.defaultRequests ?? DEFAULT_CONTAINER_REQUEST,
    );
  }

  linksOf(target: PreviewTarget): Array<{ title: string; url: string }> {
    if (!this.options.uiUrl) return [];
    const base = this.options.uiUrl.replace(/\/+$/, '');
    return [
      {
        title: 'Argo CD',
        url: `${base}/applications/${encodeURIComponent(
          this.options.argoNamespace,
        )}/${encodeURIComponent(target.name)}`,
      },
    ];
  }

  async listManaged() {
    const found = new Map<string, ManagedObjectSet>();
    const created = (t?: string | Date) =>
      t ? new Date(t).toISOString() : undefined;
    const apps = this.watch?.isSynced
      ? this.watch.allApplications()
      : (
          (await this.custom.listNamespacedCustomObject({
            group: ARGOCD_GROUP,
            version: ARGOCD_VERSION,
            namespace: this.options.argoNamespace,
            plural: ARGOCD_PLURAL,
            labelSelector: MANAGED_SELECTOR,
          })) as { items: ArgoApplication[] }
        ).items;
    for (const app of apps) {
      found.set(app.metadata.name, {
        name: app.metadata.name,
        previewId: app.metadata.labels?.[PREVIEW_ID_LABEL],
        installation: app.metadata.labels?.[INSTALLATION_LABEL],
        createdAt: created(app.metadata.creationTimestamp),
      });
    }
    return [...found.values()];
  }

  async destroyOrphan(orphan: {
    name: string;
    previewId?: string;
  }): Promise<void> {
    if (!orphan.previewId) return;
    await this.destroy({
      previewId: orphan.previewId,
      name: orphan.name,
      entityRef: '',
      branch: '',
    });
  }
}
