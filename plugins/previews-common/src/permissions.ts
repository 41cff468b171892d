import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of the preview permissions: a preview belongs to a
 * catalog component, and its permissions are checked with that component's
 * entity ref as `resourceRef`, so a policy can allow e.g. only its owners.
 * @public
 */
export const PREVIEWS_RESOURCE_TYPE = 'catalog-entity';

/** @public */
export const previewCreatePermission = createPermission({
  name: 'previews.preview.create',
  attributes: { action: 'create' },
  resourceType: PREVIEWS_RESOURCE_TYPE,
});

/** @public */
export const previewReadPermission = createPermission({
  name: 'previews.preview.read',
  attributes: { action: 'read' },
  resourceType: PREVIEWS_RESOURCE_TYPE,
});

/** Extend, keep, redeploy, reroute, reseed, sleep and wake. @public */
export const previewUpdatePermission = createPermission({
  name: 'previews.preview.update',
  attributes: { action: 'update' },
  resourceType: PREVIEWS_RESOURCE_TYPE,
});

/** The org-wide page, bulk destroy and the orphan sweep. @public */
export const previewsAdminPermission = createPermission({
  name: 'previews.admin',
  attributes: {},
});

/** @public */
export const previewDeletePermission = createPermission({
  name: 'previews.preview.delete',
  attributes: { action: 'delete' },
  resourceType: PREVIEWS_RESOURCE_TYPE,
});

/** @public */
export const previewsPermissions = [
  previewCreatePermission,
  previewReadPermission,
  previewUpdatePermission,
  previewDeletePermission,
  previewsAdminPermission,
];
