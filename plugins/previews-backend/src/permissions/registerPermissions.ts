import { AuthService, PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { previewsPermissions } from '@backstage-previews/plugin-previews-common';
import { previewsEntityResourceRef, previewsPermissionRules } from './rules';

/**
 * Registers the previews permissions, and the preview's component as their
 * resource: conditions (e.g. owners only) are evaluated by this plugin.
 */
export function registerPermissions(deps: { permissionsRegistry: PermissionsRegistryService; catalog: CatalogService; auth: AuthService }) {
  deps.permissionsRegistry.addPermissions(previewsPermissions);
  deps.permissionsRegistry.addResourceType({
    resourceRef: previewsEntityResourceRef,
    permissions: previewsPermissions.filter(p => p.type === 'resource'),
    rules: Object.values(previewsPermissionRules),
    getResources: async refs => {
      const credentials = await deps.auth.getOwnServiceCredentials();
      const { items } = await deps.catalog.getEntitiesByRefs({ entityRefs: refs }, { credentials });
      return items.map(e => e ?? undefined);
    },
  });
}
