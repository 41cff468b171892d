/** Labels and annotations that mark cluster objects as ours. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'backstage-previews';
export const PREVIEW_ID_LABEL = 'backstage-previews.io/preview-id';
export const PREVIEW_NAME_LABEL = 'backstage-previews.io/preview';
export const ENTITY_REF_ANNOTATION = 'backstage-previews.io/entity-ref';
export const BRANCH_ANNOTATION = 'backstage-previews.io/branch';

/** Selects every object this product manages. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** Field manager for server-side apply: our fields, distinguishable from anyone else's. */
export const FIELD_MANAGER = 'backstage-previews';
