import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { previewsPermissions } from '@backstage-previews/plugin-previews-common';

/**
 * Registers the previews permissions (listed for policy authors and the
 * permission backend). They are checked against the catalog's
 * `catalog-entity` resource, whose rules and conditions the catalog owns:
 * this plugin adds no rules of its own.
 */
export function registerPermissions(deps: {
  permissionsRegistry: PermissionsRegistryService;
}) {
  deps.permissionsRegistry.addPermissions(previewsPermissions);
}
