import { Entity } from '@backstage/catalog-model';
import { previewComponent } from '../../testUtils';

// The components the dependency wiring tests preview: a front end (A) and
// the orders API (B) depending on each other, a dependency without staging
// URL, and an API provided by a component with one.

export const ORDERS_STAGING = 'https://orders.staging.example.com';
export const WEB_STAGING = 'https://web.staging.example.com';
export const ordersRef = 'component:default/dep-orders';
export const webRef = 'component:default/dep-web';
export const noStagingRef = 'component:default/dep-nostaging';

function withRelations(
  entity: Entity,
  dependsOn: string[],
  consumesApis: string[] = [],
): Entity {
  return {
    ...entity,
    relations: [
      ...dependsOn.map(targetRef => ({ type: 'dependsOn', targetRef })),
      ...consumesApis.map(targetRef => ({ type: 'consumesApi', targetRef })),
    ],
  };
}
export const PAY_STAGING = 'https://pay.staging.example.com';
export const payRef = 'component:default/dep-pay';

const image = {
  'backstage-previews.io/image': 'registry.local/demo:1',
  'backstage-previews.io/port': '8080',
};
export const entities: Entity[] = [
  // A: the web front end, depending on the orders API (its spec names the env) and on a component without staging URL.
  withRelations(
    previewComponent('dep-web', {
      'backstage-previews.io/staging-url': WEB_STAGING,
      'backstage-previews.io/spec': JSON.stringify({
        workloads: [
          { name: 'web', image: 'registry.local/demo:1', port: 3000 },
        ],
        dependencies: { 'dep-orders': { env: 'SERVICE_B_URL' } },
      }),
    }),
    [ordersRef, noStagingRef, 'resource:default/dep-db'],
    ['api:default/dep-pay-api'],
  ),
  // An API the front end consumes, provided by a component with a staging URL (wired with includeConsumedApis).
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'dep-pay-api', namespace: 'default' },
    spec: {
      type: 'openapi',
      lifecycle: 'experimental',
      owner: 'guests',
      definition: '{}',
    },
    relations: [{ type: 'apiProvidedBy', targetRef: payRef }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'dep-pay',
      namespace: 'default',
      annotations: { 'backstage-previews.io/staging-url': PAY_STAGING },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
  },
  // B: the orders API, which calls back into the front end (a cycle).
  withRelations(
    previewComponent('dep-orders', {
      ...image,
      'backstage-previews.io/staging-url': ORDERS_STAGING,
    }),
    [webRef],
  ),
  previewComponent('dep-nostaging', image),
];

export const run = Date.now().toString(36);
