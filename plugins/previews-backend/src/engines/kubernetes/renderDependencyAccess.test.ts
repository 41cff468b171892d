import {
  dependencyAccessLabels,
  dependentsPeer,
  renderDependentsPolicy,
  usesLabel,
} from './renderDependencyAccess';

const name = 'storefront-feature-x-1a2b3c4d';
const LABEL_KEY_NAME = /^[a-z0-9A-Z]([-a-z0-9A-Z_.]{0,61}[a-z0-9A-Z])?$/;

describe('dependency access across namespaces', () => {
  it.each<
    [
      string,
      Parameters<typeof dependencyAccessLabels>[0]['dependencies'],
      Record<string, string>,
    ]
  >([
    ['none without dependencies', undefined, {}],
    [
      'none for staging URLs',
      [{ env: 'ORDERS_API_URL', url: 'https://orders.staging' }],
      {},
    ],
    [
      'one per preview routed to',
      [
        {
          env: 'ORDERS_API_URL',
          url: 'http://api.orders-x-1.svc.cluster.local',
          previewName: 'orders-x-1',
        },
        { env: 'PAY_URL', url: 'https://pay.staging' },
        {
          env: 'CART_URL',
          url: 'http://web.cart-y-2.svc.cluster.local',
          previewName: 'cart-y-2',
        },
      ],
      {
        'uses.backstage-previews.io/orders-x-1': 'true',
        'uses.backstage-previews.io/cart-y-2': 'true',
      },
    ],
    [
      'not itself',
      [{ env: 'SELF_URL', url: 'http://x', previewName: name }],
      {},
    ],
  ])('labels the namespace: %s', (_, dependencies, labels) => {
    expect(dependencyAccessLabels({ name, dependencies })).toEqual(labels);
  });

  it('admits the namespaces labelled for the preview', () => {
    expect(dependentsPeer({ name })).toEqual({
      namespaceSelector: {
        matchLabels: {
          'uses.backstage-previews.io/storefront-feature-x-1a2b3c4d': 'true',
        },
      },
    });
  });

  it.each([
    ['the only workload', { name: 'web', image: 'shop:1', port: 8080 }],
    ['the exposed one of several', { name: 'ui', image: 'ui:1', port: 3000 }],
  ])('admits dependents to %s on its port only', (_, exposed) => {
    const d = {
      previewId: 'id-1',
      name,
      entityRef: 'component:default/storefront',
      branch: 'feature/x',
      spec: { workloads: [exposed] },
    };
    const policy = renderDependentsPolicy(d, exposed);
    expect(policy.metadata).toMatchObject({
      name: 'preview-dependents',
      namespace: name,
    });
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: { 'backstage-previews.io/workload': exposed.name },
      },
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [
            {
              namespaceSelector: {
                matchLabels: {
                  'uses.backstage-previews.io/storefront-feature-x-1a2b3c4d':
                    'true',
                },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: exposed.port }],
        },
      ],
    });
  });

  it('makes valid label keys for the longest preview names', () => {
    const longest = `a${'b'.repeat(61)}c`;
    const [prefix, keyName] = usesLabel(longest).split('/');
    expect(prefix.length).toBeLessThanOrEqual(253);
    expect(keyName).toMatch(LABEL_KEY_NAME);
  });
});
