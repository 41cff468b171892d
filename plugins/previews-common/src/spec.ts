/**
 * How a component's preview is built, declared in the component's repository
 * (`.backstage/preview.yaml`), in the entity annotation
 * `backstage-previews.io/spec`, or as a default in app-config.
 * The JSON schema in `specSchema.ts` is the authority; these types mirror it,
 * exactly: `specTypesMatchSchema.ts` fails to compile when they drift apart.
 */

import type { PreviewDatabasesSpec } from './databasesSpec';

/** CPU and memory quantities in Kubernetes notation, e.g. `100m`, `128Mi`. @public */
export interface PreviewResourceList {
  cpu?: string;
  memory?: string;
}

/** One container workload of a preview (a Deployment). @public */
export interface PreviewWorkloadSpec {
  /** DNS-1123 label, at most 40 characters; unique within the spec. */
  name: string;
  /**
   * Container image. Templates: `{branch}` (the branch's slug), `{sha}` (the
   * head commit) and `{shortSha}` (its first 7 characters).
   */
  image: string;
  /** Port the container listens on; a workload without a port gets no Service. */
  port?: number;
  command?: string[];
  args?: string[];
  /** Plain environment variables (rendered into a ConfigMap). */
  env?: Record<string, string>;
  /** Names of secrets of the preview (see `secrets`) loaded as environment variables. */
  envFromSecrets?: string[];
  resources?: { requests?: PreviewResourceList; limits?: PreviewResourceList };
  /** HTTP path of the readiness probe on `port`. */
  readinessPath?: string;
  /** 0 to 10; default 1. */
  replicas?: number;
  /**
   * The uid the container runs as (1 or more), for an image whose user is
   * root or a name: a `restricted` namespace (the default) starts neither.
   */
  runAsUser?: number;
}

/** A secret the preview gets a copy of, from a namespace of the cluster. @public */
export interface PreviewSecretSpec {
  /** Name of the copy in the preview's namespace. */
  name: string;
  copyFrom: { namespace: string; name: string };
}

/** A Kubernetes toleration (e.g. to run previews on spot nodes). @public */
export interface PreviewToleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * Where an Argo CD Application of a preview takes its manifests from
 * (engine `argocd`). Without `helm`, the source is rendered with Kustomize.
 * @public
 */
export interface PreviewArgoCdSpec {
  /** Directory of the manifests in the repository, e.g. `deploy/preview`. */
  path: string;
  /** Argo CD project; default `previews.argocd.project` (else `default`). */
  project?: string;
  /** Git repository; default: the component's `backstage.io/source-location`. */
  repoURL?: string;
  /** Kustomize overrides besides the workloads' images (always overridden). */
  kustomize?: {
    /** More image overrides (`[old=]name:tag`); templates `{branch}`, `{sha}`, `{shortSha}`. */
    images?: string[];
  };
  /** Render with Helm instead of Kustomize. */
  helm?: {
    valueFiles?: string[];
    /** Parameter that receives the first workload's image tag; default `image.tag`. */
    imageTagParameter?: string;
    /** Parameter that receives the preview's host name; default `ingress.host`. */
    hostParameter?: string;
    /** More parameters; values may use `{branch}`, `{sha}`, `{shortSha}` and `{host}`. */
    parameters?: Record<string, string>;
  };
}

/** @public */
export interface PreviewSpec {
  /** One or more workloads. */
  workloads: PreviewWorkloadSpec[];
  /** The workload the preview URL points to; default: the first one with a port. */
  expose?: string;
  /** Secrets copied into the preview's namespace. */
  secrets?: PreviewSecretSpec[];
  /** Names of secrets (usually copied by `secrets`) used to pull images. */
  imagePullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  tolerations?: PreviewToleration[];
  /** Target cluster by name (`previews.kubernetes.clusters`); default cluster when unset. */
  cluster?: string;
  /** Engine that runs the preview; default: annotation `backstage-previews.io/engine`, else `previews.defaultEngine`. */
  engine?: 'kubernetes' | 'argocd';
  /** The Argo CD source (needed by the `argocd` engine). */
  argocd?: PreviewArgoCdSpec;
  /** Backing services of the preview's own (PostgreSQL with seed and migrations, Redis, MongoDB). */
  databases?: PreviewDatabasesSpec;
  /**
   * Where this component's staging deployment answers: what previews of
   * components depending on it are wired to unless rerouted to a preview
   * (the annotation `backstage-previews.io/staging-url` takes precedence).
   */
  stagingUrl?: string;
  /**
   * How each dependency's URL reaches the workloads, keyed by component
   * name or entity ref (dependencies are the component's `dependsOn`).
   */
  dependencies?: Record<string, PreviewDependencySpec>;
  /**
   * Smoke tests: Jobs run against the preview each time it becomes ready
   * after a create, redeploy, reroute or reseed. Each gets `PREVIEW_URL`
   * and, when preview URLs are protected, `PREVIEW_BYPASS_TOKEN` to send in
   * the `PREVIEW_BYPASS_HEADER` header.
   */
  tests?: PreviewTestSpec[];
}

/** One smoke test of a preview: a container that exits 0 when the preview works. @public */
export interface PreviewTestSpec {
  /** DNS-1123 label, at most 40 characters; unique within the spec. */
  name: string;
  /** Container image; the same templates as a workload's. */
  image: string;
  command?: string[];
  args?: string[];
  /** Plain environment variables (names starting with `PREVIEW_` are the backend's). */
  env?: Record<string, string>;
  /** How long the test may run; default 600. */
  timeoutSeconds?: number;
  /** The uid the container runs as, for an image whose user is root or a name. */
  runAsUser?: number;
}

/** How one dependency's URL reaches a preview's workloads. @public */
export interface PreviewDependencySpec {
  /** Environment variable of every workload; default from the name (`orders-api` → `ORDERS_API_URL`). */
  env?: string;
}
