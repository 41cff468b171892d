import {
  AuthService,
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { PREVIEWS_RESOURCE_TYPE } from '@backstage-previews/plugin-previews-common';
import { previewsEntityResourceRef } from './rules';

type PreviewPermission = ResourcePermission<typeof PREVIEWS_RESOURCE_TYPE>;

function refused(permission: BasicPermission | PreviewPermission, entityRef?: string) {
  const what = permission.attributes.action ?? 'administer';
  return new NotAllowedError(
    `You are not allowed to ${what} previews${entityRef ? ` of ${entityRef}` : ''} (${permission.name})`,
  );
}

/**
 * Checks the preview permissions: the resource permissions against the
 * preview's component (a conditional decision, e.g. "owners only", is
 * evaluated here against the component read from the catalog) and the admin
 * permission as a basic one.
 */
export class PreviewAuthorizer {
  private readonly isAllowed: (decision: PolicyDecision, entity: Entity | undefined) => boolean;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      permissionsRegistry: PermissionsRegistryService;
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {
    this.isAllowed = createConditionAuthorizer(
      options.permissionsRegistry.getPermissionRuleset(previewsEntityResourceRef),
    );
  }

  /**
   * Throws NotAllowedError unless the credentials may do `permission` on
   * previews of the component. Without a component, conditions deny.
   */
  async authorizeEntity(credentials: BackstageCredentials, permission: PreviewPermission, entityRef: string | undefined) {
    const [decision] = await this.options.permissions.authorizeConditional([{ permission }], { credentials });
    if (decision.result === AuthorizeResult.ALLOW) return;
    if (decision.result === AuthorizeResult.DENY || entityRef === undefined) throw refused(permission, entityRef);
    const [entity] = await this.entities([entityRef]);
    if (!entity) throw new InputError(`No component ${entityRef} in the catalog`);
    if (!this.evaluate(decision, entity)) throw refused(permission, entityRef);
  }

  /** The items whose component the credentials may read; throws if the policy denies reading outright. */
  async filter<T extends { entityRef: string }>(
    credentials: BackstageCredentials,
    permission: PreviewPermission,
    items: T[],
  ): Promise<T[]> {
    const [decision] = await this.options.permissions.authorizeConditional([{ permission }], { credentials });
    if (decision.result === AuthorizeResult.ALLOW) return items;
    if (decision.result === AuthorizeResult.DENY) throw refused(permission);
    const refs = [...new Set(items.map(i => i.entityRef))];
    const entities = await this.entities(refs);
    const allowed = new Set(refs.filter((_, i) => entities[i] && this.evaluate(decision, entities[i]!)));
    return items.filter(i => allowed.has(i.entityRef));
  }

  /** Throws NotAllowedError unless the credentials hold `previews.admin`. */
  async authorizeBasic(credentials: BackstageCredentials, permission: BasicPermission) {
    const [decision] = await this.options.permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) throw refused(permission);
  }

  /** Conditions naming a rule this plugin does not have deny, rather than fail the request. */
  private evaluate(decision: PolicyDecision, entity: Entity): boolean {
    try {
      return this.isAllowed(decision, entity);
    } catch {
      return false;
    }
  }

  /** Loads components with the plugin's own identity: the policy, not catalog visibility, decides. */
  async entities(refs: string[]): Promise<Array<Entity | undefined>> {
    if (!refs.length) return [];
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntitiesByRefs({ entityRefs: refs }, { credentials });
    return items.map(e => e ?? undefined);
  }
}

