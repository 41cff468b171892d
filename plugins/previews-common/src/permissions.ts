import { createPermission } from '@backstage/plugin-permission-common';

/** @public */
export const previewCreatePermission = createPermission({
  name: 'previews.preview.create',
  attributes: { action: 'create' },
});

/** @public */
export const previewReadPermission = createPermission({
  name: 'previews.preview.read',
  attributes: { action: 'read' },
});

/** Extend, keep, redeploy, reroute, reseed, sleep and wake. @public */
export const previewUpdatePermission = createPermission({
  name: 'previews.preview.update',
  attributes: { action: 'update' },
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
});

/** @public */
export const previewsPermissions = [
  previewCreatePermission,
  previewReadPermission,
  previewUpdatePermission,
  previewDeletePermission,
  previewsAdminPermission,
];
