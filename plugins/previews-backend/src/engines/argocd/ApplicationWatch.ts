import type {
  KubeConfig,
  KubernetesObject,
  ListWatch,
  V1Namespace,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { K8s } from '../shared/loadKubeConfig';
import { MANAGED_SELECTOR } from '../shared/labels';
import { resilientWatch } from '../shared/resilientWatch';
import {
  ARGOCD_GROUP,
  ARGOCD_PLURAL,
  ARGOCD_VERSION,
  ArgoApplication,
} from './application';

const RESTART_AFTER_MS = 2000;

/**
 * Two watches for every preview of the Argo CD engine: our Applications in
 * Argo CD's namespace and our namespaces (both by the managed-by label).
 * The request count does not grow with the number of previews.
 */
export class ApplicationWatch {
  private readonly applications: ListWatch<KubernetesObject>;
  private readonly namespaces: ListWatch<V1Namespace>;
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(
    k8s: K8s,
    kc: KubeConfig,
    readonly argoNamespace: string,
    private readonly logger: LoggerService,
    private readonly onChange: (
      name: string,
      event: 'add' | 'update' | 'delete',
      kind: 'Application' | 'Namespace',
    ) => void,
  ) {
    // A reconnect that fails while the apiserver is down becomes an informer error (restarted below).
    const watch = resilientWatch(new k8s.Watch(kc));
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    this.applications = new k8s.ListWatch<KubernetesObject>(
      `/apis/${ARGOCD_GROUP}/${ARGOCD_VERSION}/namespaces/${argoNamespace}/${ARGOCD_PLURAL}`,
      watch,
      (() =>
        custom.listNamespacedCustomObject({
          group: ARGOCD_GROUP,
          version: ARGOCD_VERSION,
          namespace: argoNamespace,
          plural: ARGOCD_PLURAL,
          labelSelector: MANAGED_SELECTOR,
        })) as never,
      false,
      MANAGED_SELECTOR,
    );
    this.namespaces = new k8s.ListWatch<V1Namespace>(
      '/api/v1/namespaces',
      watch,
      (() => core.listNamespace({ labelSelector: MANAGED_SELECTOR })) as never,
      false,
      MANAGED_SELECTOR,
    );
    for (const event of ['add', 'update', 'delete'] as const) {
      this.applications.on(
        event,
        o =>
          o.metadata?.name &&
          this.onChange(o.metadata.name, event, 'Application'),
      );
      this.namespaces.on(
        event,
        o =>
          o.metadata?.name &&
          this.onChange(o.metadata.name, event, 'Namespace'),
      );
    }
  }

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
              `Watch of ${kind} could not start (${e}); retrying`,
            );
            restartLater(start);
          },
        );
      informer.on('error', (err: unknown) => {
        if (this.stopped) return;
        this.running.delete(kind);
        this.logger.warn(`Watch of ${kind} ended (${err}); restarting`);
        restartLater(start);
      });
      return start();
    };
    await Promise.all([
      keep('applications', this.applications),
      keep('namespaces', this.namespaces as ListWatch<KubernetesObject>),
    ]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.applications.stop(), this.namespaces.stop()]);
  }

  get isSynced(): boolean {
    return this.running.size === 2;
  }

  application(name: string): ArgoApplication | undefined {
    return this.applications.get(name, this.argoNamespace) as
      | ArgoApplication
      | undefined;
  }

  namespace(name: string): V1Namespace | undefined {
    return this.namespaces.get(name);
  }

  allApplications(): ArgoApplication[] {
    return this.applications.list(
      this.argoNamespace,
    ) as unknown as ArgoApplication[];
  }

  allNamespaces(): readonly V1Namespace[] {
    return this.namespaces.list();
  }
}
