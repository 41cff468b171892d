import type {
  KubeConfig,
  KubernetesObject,
  V1Deployment,
  V1Namespace,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PreviewDeployment,
  PreviewEngine,
  PreviewObservation,
  PreviewObserver,
  PreviewOwnershipError,
  PreviewTarget,
  PreviewTracking,
} from '@backstage-previews/plugin-previews-node';
import { K8s, loadK8s } from './loadKubeConfig';
import { RenderOptions, WORKLOAD_NAME, renderPreviewObjects } from './render';
import {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  PREVIEW_ID_LABEL,
  PREVIEW_NAME_LABEL,
} from './labels';
import { observeDeployment } from './observeDeployment';

const RESTART_WATCH_AFTER_MS = 2000;

function statusCode(e: unknown): number | undefined {
  return (e as { code?: number })?.code;
}

/**
 * Runs each preview in its own namespace: renders the objects, applies them
 * with server-side apply, watches Deployments and namespaces of all previews
 * with one watch each, and deletes the namespace on destroy.
 */
export class KubernetesEngine implements PreviewEngine {
  readonly id = 'kubernetes';

  static async create(options: {
    kubeConfig: KubeConfig;
    logger: LoggerService;
    render?: RenderOptions;
  }): Promise<KubernetesEngine> {
    return new KubernetesEngine(await loadK8s(), options.kubeConfig, options.logger, options.render ?? {});
  }

  private constructor(
    private readonly k8s: K8s,
    private readonly kc: KubeConfig,
    private readonly logger: LoggerService,
    private readonly renderOptions: RenderOptions,
  ) {}

  private get core() {
    return this.kc.makeApiClient(this.k8s.CoreV1Api);
  }

  private async readNamespace(name: string): Promise<V1Namespace | undefined> {
    try {
      return await this.core.readNamespace({ name });
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
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

  async deploy(deployment: PreviewDeployment): Promise<void> {
    this.assertOwned(await this.readNamespace(deployment.name), deployment);
    const [namespace, ...rest] = renderPreviewObjects(deployment, this.renderOptions);
    const objects = this.kc.makeApiClient(this.k8s.KubernetesObjectApi);
    const apply = (o: KubernetesObject) =>
      objects.patch(o, undefined, undefined, FIELD_MANAGER, true, this.k8s.PatchStrategy.ServerSideApply);
    await apply(namespace);
    await Promise.all(rest.map(apply));
  }

  async destroy(target: PreviewTarget): Promise<void> {
    const ns = await this.readNamespace(target.name);
    if (!ns) return;
    this.assertOwned(ns, target);
    if (ns.metadata?.deletionTimestamp) return;
    try {
      await this.core.deleteNamespace({ name: target.name, propagationPolicy: 'Background' });
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
    }
  }

  async observe(target: PreviewTarget): Promise<PreviewObservation> {
    const ns = await this.readNamespace(target.name);
    if (!ns) return { name: target.name, state: 'absent' };
    const previewId = ns.metadata?.labels?.[PREVIEW_ID_LABEL];
    if (ns.metadata?.deletionTimestamp) {
      return { name: target.name, previewId, state: 'progressing', message: 'namespace is terminating' };
    }
    let deployment: V1Deployment;
    try {
      deployment = await this.kc
        .makeApiClient(this.k8s.AppsV1Api)
        .readNamespacedDeployment({ name: WORKLOAD_NAME, namespace: target.name });
    } catch (e) {
      if (statusCode(e) === 404) {
        return { name: target.name, previewId, state: 'progressing', message: 'workload not created yet' };
      }
      throw e;
    }
    return { name: target.name, previewId, ...observeDeployment(deployment) };
  }

  async track(observer: PreviewObserver): Promise<PreviewTracking> {
    const k8s = this.k8s;
    const apps = this.kc.makeApiClient(k8s.AppsV1Api);
    const core = this.core;
    const report = (o: PreviewObservation) =>
      Promise.resolve(observer(o)).catch(e =>
        this.logger.warn(`Failed to record observation of ${o.name}: ${e}`),
      );

    const deployments = k8s.makeInformer<V1Deployment>(
      this.kc,
      '/apis/apps/v1/deployments',
      () => apps.listDeploymentForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    const onDeployment = (d: V1Deployment) => {
      const name = d.metadata?.labels?.[PREVIEW_NAME_LABEL];
      if (!name || d.metadata?.name !== WORKLOAD_NAME) return;
      if (d.metadata?.deletionTimestamp) return;
      void report({ name, previewId: d.metadata?.labels?.[PREVIEW_ID_LABEL], ...observeDeployment(d) });
    };
    deployments.on('add', onDeployment);
    deployments.on('update', onDeployment);

    const namespaces = k8s.makeInformer<V1Namespace>(
      this.kc,
      '/api/v1/namespaces',
      () => core.listNamespace({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    namespaces.on('delete', ns => {
      const name = ns.metadata?.name;
      if (name) void report({ name, previewId: ns.metadata?.labels?.[PREVIEW_ID_LABEL], state: 'absent' });
    });

    // A watch that ends or cannot start (apiserver unreachable) is retried
    // until tracking stops; the periodic reconcile covers the gap meanwhile.
    let stopped = false;
    const keepRunning = (kind: string, informer: typeof deployments | typeof namespaces) => {
      const restart = () =>
        setTimeout(() => {
          if (!stopped) start();
        }, RESTART_WATCH_AFTER_MS);
      const start = () =>
        informer.start().catch(e => {
          this.logger.warn(`Starting the watch of ${kind} failed (${e}); retrying`);
          restart();
        });
      informer.on('error', (err: unknown) => {
        if (stopped) return;
        this.logger.warn(`Watch of ${kind} ended (${err}); restarting`);
        restart();
      });
      return start();
    };
    await Promise.all([keepRunning('deployments', deployments), keepRunning('namespaces', namespaces)]);
    return {
      async stop() {
        stopped = true;
        await Promise.all([deployments.stop(), namespaces.stop()]);
      },
    };
  }
}
