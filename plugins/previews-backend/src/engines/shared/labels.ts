/** Labels and annotations that mark cluster objects as ours. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'backstage-previews';
/** The preview's id (uuid) on every object. */
export const PREVIEW_ID_LABEL = 'app.kubernetes.io/instance';
export const PREVIEW_NAME_LABEL = 'backstage-previews.io/preview';
/** The component's name: the application the preview's objects are part of. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** How Backstage's Kubernetes plugin finds a component's objects (opt-in). */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
/**
 * The installation (Backstage deployment) that owns a preview, on its
 * namespace or Application: the orphan sweep touches only its own.
 */
export const INSTALLATION_LABEL = 'backstage-previews.io/installation';
export const ENTITY_REF_ANNOTATION = 'backstage-previews.io/entity-ref';
export const BRANCH_ANNOTATION = 'backstage-previews.io/branch';
/** Name of the workload, on its pods (and in Deployment selectors). */
export const APP_NAME_LABEL = 'app.kubernetes.io/name';
/** Name of the workload, on its Deployment, Service, ConfigMap and pods. */
export const WORKLOAD_LABEL = 'backstage-previews.io/workload';
/**
 * On the Deployments of a sleeping preview: their zero replicas are sleep,
 * not a rollout that is done (a wake's observation before its apply must not
 * read as ready).
 */
export const ASLEEP_ANNOTATION = 'backstage-previews.io/asleep';
/** Hash of a workload's environment on its pod template: a change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'backstage-previews.io/config-hash';
/** Hash of the secrets a workload loads as environment variables, on its pod template. */
export const SECRETS_HASH_ANNOTATION = 'backstage-previews.io/secrets-hash';

/** Selects every object this product manages. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** Field manager for server-side apply: our fields, distinguishable from anyone else's. */
export const FIELD_MANAGER = 'backstage-previews';
