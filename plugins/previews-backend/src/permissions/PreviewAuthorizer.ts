import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { PREVIEWS_RESOURCE_TYPE } from '@backstage-previews/plugin-previews-common';

type PreviewPermission = ResourcePermission<typeof PREVIEWS_RESOURCE_TYPE>;

function refused(
  permission: BasicPermission | PreviewPermission,
  entityRef?: string,
) {
  const what = permission.attributes.action ?? 'administer';
  return new NotAllowedError(
    `You are not allowed to ${what} previews${
      entityRef ? ` of ${entityRef}` : ''
    } (${permission.name})`,
  );
}

/**
 * Checks the preview permissions. They are permissions on catalog entities:
 * each is asked with the preview's component as `resourceRef`, so a
 * conditional decision of the adopter's policy (any catalog rule: ownership,
 * labels, kind, the adopter's own rules) is evaluated by the catalog, as for
 * the catalog's own permissions. `previews.admin` is a basic permission.
 */
export class PreviewAuthorizer {
  constructor(private readonly options: { permissions: PermissionsService }) {}

  /**
   * Throws NotAllowedError unless the credentials may do `permission` on
   * previews of the component. Without a component, only an unconditional
   * allow passes.
   */
  async authorizeEntity(
    credentials: BackstageCredentials,
    permission: PreviewPermission,
    entityRef: string | undefined,
  ) {
    if (entityRef === undefined) {
      const [decision] = await this.options.permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) throw refused(permission);
      return;
    }
    const [decision] = await this.options.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw refused(permission, entityRef);
  }

  /** The items whose component the credentials may `permission`; throws if the policy denies it outright. */
  async filter<T extends { entityRef: string }>(
    credentials: BackstageCredentials,
    permission: PreviewPermission,
    items: T[],
  ): Promise<T[]> {
    // One policy question first: most policies allow or deny without conditions.
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return items;
    if (decision.result === AuthorizeResult.DENY) throw refused(permission);
    const refs = [...new Set(items.map(i => i.entityRef))];
    if (!refs.length) return [];
    const decisions = await this.options.permissions.authorize(
      refs.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    const allowed = new Set(
      refs.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
    return items.filter(i => allowed.has(i.entityRef));
  }

  /** Throws NotAllowedError unless the credentials hold `previews.admin`. */
  async authorizeBasic(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) throw refused(permission);
  }
}
