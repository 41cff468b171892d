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

/** @public */
export const previewDeletePermission = createPermission({
  name: 'previews.preview.delete',
  attributes: { action: 'delete' },
});

/** @public */
export const previewsPermissions = [
  previewCreatePermission,
  previewReadPermission,
  previewDeletePermission,
];
