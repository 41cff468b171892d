import { usePermission } from '@backstage/plugin-permission-react';
import {
  previewCreatePermission,
  previewDeletePermission,
  previewsAdminPermission,
  previewUpdatePermission,
} from '@backstage-previews/plugin-previews-common';

type Permission = Parameters<typeof usePermission>[0]['permission'];

/** Whether the signed-in user may do things to the previews of one component. */
export interface PreviewPermissions {
  create: boolean;
  update: boolean;
  delete: boolean;
  /** Still asking the permission backend (actions stay disabled meanwhile). */
  loading: boolean;
}

/**
 * Asks for one permission; resource permissions are checked against the
 * component the previews belong to, so a policy can allow only its owners.
 */
export function usePreviewPermission(
  permission: Permission,
  entityRef: string | undefined,
) {
  const input =
    permission.type === 'resource'
      ? { permission, resourceRef: entityRef }
      : { permission };
  return usePermission(input as Parameters<typeof usePermission>[0]);
}

/** The create, update and delete permissions of one component's previews. */
export function usePreviewPermissions(entityRef: string): PreviewPermissions {
  const create = usePreviewPermission(previewCreatePermission, entityRef);
  const update = usePreviewPermission(previewUpdatePermission, entityRef);
  const remove = usePreviewPermission(previewDeletePermission, entityRef);
  return {
    create: create.allowed,
    update: update.allowed,
    delete: remove.allowed,
    loading: create.loading || update.loading || remove.loading,
  };
}

/** Whether the user is a previews admin (org-wide bulk actions). */
export function usePreviewsAdmin() {
  return usePreviewPermission(previewsAdminPermission, undefined);
}
