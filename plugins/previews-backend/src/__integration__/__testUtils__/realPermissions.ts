import {
  createBackendModule,
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import request from 'supertest';
import { waitFor } from '../../testUtils';

// Permissions as an adopter's Backstage decides them: the real catalog
// backend holds the components, the real permission backend asks the policy,
// and a conditional decision of the policy is evaluated by the catalog's own
// rules. Only who is in which group is given here (the auth backend's sign-in
// resolver says that in a portal).

/** The catalog's entity provider of the test: these entities, as a full mutation. */
function catalogEntities(entities: Entity[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'previews-test-entities',
    register(env) {
      env.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'previews-test-entities',
            async connect(connection) {
              const location =
                'url:https://example.com/previews-test/catalog-info.yaml';
              await connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  locationKey: 'previews-test-entities',
                  entity: {
                    ...entity,
                    metadata: {
                      ...entity.metadata,
                      annotations: {
                        ...entity.metadata.annotations,
                        'backstage.io/managed-by-location': location,
                        'backstage.io/managed-by-origin-location': location,
                      },
                    },
                  },
                })),
              });
            },
          });
        },
      });
    },
  });
}

function permissionPolicy(policy: PermissionPolicy) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: 'previews-test-policy',
    register(env) {
      env.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy: extension }) {
          extension.setPolicy(policy);
        },
      });
    },
  });
}

/** Each user's ownership refs: the user and the groups given for it. */
function userGroups(groups: Record<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        const principal = credentials.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user' || !principal.userEntityRef)
          throw new Error('not a user');
        const ref = principal.userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
        };
      },
    }),
  });
}

/**
 * The test backend's auth service, except that a plugin's request on behalf
 * of a user carries the plugin as its actor, as the real auth service's
 * on-behalf-of tokens do. The permission backend refuses resource
 * permissions without a resourceRef from a user without an actor (a direct
 * call from a browser), and the catalog asks such conditional questions.
 */
const onBehalfOfAuth = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options => {
      const principal = options.onBehalfOf.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef)
        return getPluginRequestToken(options);
      return {
        token: mockCredentials.user.token(principal.userEntityRef, {
          actor: { subject: `plugin:${plugin.getId()}` },
        }),
      };
    };
    return auth;
  },
});

/** Backend features and config for real permissions: add them to a test backend that has the previews plugin. */
export function realPermissions(options: {
  policy: PermissionPolicy;
  entities: Entity[];
  groups: Record<string, string[]>;
}) {
  return {
    features: [
      import('@backstage/plugin-catalog-backend'),
      catalogEntities(options.entities),
      import('@backstage/plugin-permission-backend'),
      permissionPolicy(options.policy),
      permissionsServiceFactory,
      onBehalfOfAuth,
      userGroups(options.groups),
    ],
    config: { permission: { enabled: true } },
  };
}

/** Waits until the catalog has processed every entity (relations included). */
export async function catalogReady(
  server: Parameters<typeof request>[0],
  entities: Entity[],
  token: string,
) {
  for (const { kind, metadata } of entities) {
    const path = `${kind}/${metadata.namespace ?? 'default'}/${metadata.name}`;
    await waitFor(`the catalog to hold ${path}`, async () => {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/${path}`)
        .set('Authorization', token);
      if (res.status !== 200 || !(res.body.relations ?? []).length)
        throw new Error(
          `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      return true;
    });
  }
}
