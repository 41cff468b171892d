import { Entity } from '@backstage/catalog-model';
import { collectDependencies } from './collectDependencies';

function entity(
  relations: Array<[string, string]>,
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'storefront', namespace },
    relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
  };
}

describe('collectDependencies', () => {
  it.each<
    [
      string,
      Entity,
      Parameters<typeof collectDependencies>[1],
      string[],
      Array<{ entityRef: string; env: string }>,
    ]
  >([
    ['nothing', entity([]), {}, [], []],
    [
      'dependsOn components with derived env names',
      entity([
        ['dependsOn', 'component:default/orders-api'],
        ['dependsOn', 'component:default/payments'],
      ]),
      {},
      [],
      [
        { entityRef: 'component:default/orders-api', env: 'ORDERS_API_URL' },
        { entityRef: 'component:default/payments', env: 'PAYMENTS_URL' },
      ],
    ],
    [
      'not resources, not other relation types, not itself',
      entity([
        ['dependsOn', 'resource:default/orders-db'],
        ['ownedBy', 'group:default/team'],
        ['dependsOn', 'component:default/storefront'],
      ]),
      {},
      [],
      [],
    ],
    [
      'the spec env keyed by name',
      entity([['dependsOn', 'component:default/orders-api']]),
      { dependencies: { 'orders-api': { env: 'SERVICE_B_URL' } } },
      [],
      [{ entityRef: 'component:default/orders-api', env: 'SERVICE_B_URL' }],
    ],
    [
      'the spec env keyed by ref, in any case',
      entity([['dependsOn', 'component:default/Orders-API']]),
      { dependencies: { 'Component:default/orders-api': { env: 'B' } } },
      [],
      [{ entityRef: 'component:default/orders-api', env: 'B' }],
    ],
    [
      'a name resolves in the component namespace',
      entity([['dependsOn', 'component:shop/orders-api']], 'shop'),
      { dependencies: { 'orders-api': { env: 'B' } } },
      [],
      [{ entityRef: 'component:shop/orders-api', env: 'B' }],
    ],
    [
      'components only named in the spec are no dependencies (only the catalog defines them)',
      entity([['dependsOn', 'component:default/orders-api']]),
      {
        dependencies: {
          payments: { env: 'PAY_URL' },
          'component:other-team/billing': {},
        },
      },
      [],
      [{ entityRef: 'component:default/orders-api', env: 'ORDERS_API_URL' }],
    ],
    [
      'API providers once, after dependsOn',
      entity([['dependsOn', 'component:default/orders-api']]),
      {},
      ['component:default/catalog-api', 'component:default/orders-api'],
      [
        { entityRef: 'component:default/orders-api', env: 'ORDERS_API_URL' },
        { entityRef: 'component:default/catalog-api', env: 'CATALOG_API_URL' },
      ],
    ],
  ])('%s', (_, e, spec, providers, expected) => {
    expect(collectDependencies(e, spec, providers)).toEqual(expected);
  });
});
