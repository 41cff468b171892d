/** The parts of Argo CD's `Application` resource (argoproj.io/v1alpha1) the engine uses. */

export const ARGOCD_GROUP = 'argoproj.io';
export const ARGOCD_VERSION = 'v1alpha1';
export const ARGOCD_API_VERSION = `${ARGOCD_GROUP}/${ARGOCD_VERSION}`;
export const ARGOCD_PLURAL = 'applications';
/** Argo CD deletes the Application's resources before the Application while this is set. */
export const ARGOCD_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export interface ArgoApplicationSource {
  repoURL: string;
  path: string;
  targetRevision: string;
  kustomize?: {
    images?: string[];
    namespace?: string;
    commonLabels?: Record<string, string>;
    /** commonLabels stay out of selectors (and, without labelIncludeTemplates, out of templates). */
    labelWithoutSelector?: boolean;
    /** With labelWithoutSelector, commonLabels still go on pod templates. */
    labelIncludeTemplates?: boolean;
    /** Patches (Argo CD 2.9+): a YAML/JSON patch and the objects it applies to. */
    patches?: Array<{
      target?: {
        group?: string;
        version?: string;
        kind?: string;
        name?: string;
      };
      patch: string;
    }>;
  };
  helm?: {
    releaseName?: string;
    valueFiles?: string[];
    parameters?: Array<{ name: string; value: string }>;
    values?: string;
  };
}

export type ArgoHealthStatus =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';
export type ArgoSyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

export interface ArgoApplicationStatus {
  health?: { status?: ArgoHealthStatus | string; message?: string };
  sync?: { status?: ArgoSyncStatus | string; revision?: string };
  conditions?: Array<{ type: string; message: string }>;
  operationState?: { phase?: string; message?: string };
}

export interface ArgoApplication {
  apiVersion: typeof ARGOCD_API_VERSION;
  kind: 'Application';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string | Date;
    creationTimestamp?: string | Date;
    resourceVersion?: string;
    generation?: number;
  };
  spec: {
    project: string;
    source: ArgoApplicationSource;
    destination: { server?: string; name?: string; namespace?: string };
    syncPolicy?: {
      automated?: { prune?: boolean; selfHeal?: boolean };
      syncOptions?: string[];
      managedNamespaceMetadata?: {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
    };
  };
  status?: ArgoApplicationStatus;
}
