import { dependencyEnv, resolveDependencies } from './resolveDependencies';
import type {
  DependencyPreviewFacts,
  DependencyRoute,
  ResolvedDependency,
} from '../types';

const orders = 'component:default/orders-api';
const staging = 'https://orders.staging.example.com';
const withStaging = {
  entityRef: orders,
  env: 'ORDERS_API_URL',
  stagingUrl: staging,
};
const withoutStaging = { entityRef: orders, env: 'ORDERS_API_URL' };
const self = 'aaaaaaaa-0000-0000-0000-000000000000';

function preview(
  id: string,
  branch: string,
  status: DependencyPreviewFacts['status'] = 'ready',
  exposes = true,
): DependencyPreviewFacts {
  return {
    id,
    name: `orders-${id}`,
    entityRef: orders,
    branch,
    status,
    ...(exposes ? { serviceUrl: `http://api.${id}.svc.cluster.local` } : {}),
  };
}
const other = preview('p-other', 'feature/other');
const same = preview('p-same', 'feature/x');
const explicitTo = (id: string): DependencyRoute => ({
  dependencyRef: orders,
  targetPreviewId: id,
  explicit: true,
});

const atStaging = (message?: string): ResolvedDependency => ({
  entityRef: orders,
  env: 'ORDERS_API_URL',
  target: 'staging',
  url: staging,
  stagingUrl: staging,
  ...(message ? { message } : {}),
});
const atPreview = (p: DependencyPreviewFacts): ResolvedDependency => ({
  entityRef: orders,
  env: 'ORDERS_API_URL',
  target: 'preview',
  url: p.serviceUrl,
  previewId: p.id,
  previewName: p.name,
  branch: p.branch,
  stagingUrl: staging,
});
const unresolved = (message: string): ResolvedDependency => ({
  entityRef: orders,
  env: 'ORDERS_API_URL',
  target: 'unresolved',
  message,
});
const noStaging =
  'orders-api has no staging URL: set the annotation backstage-previews.io/staging-url on component:default/orders-api or stagingUrl in its preview spec';

describe('resolveDependencies', () => {
  it.each<
    [
      string,
      typeof withStaging | typeof withoutStaging,
      DependencyRoute[],
      DependencyPreviewFacts[],
      ResolvedDependency,
    ]
  >([
    ['staging by default', withStaging, [], [other], atStaging()],
    [
      'unresolved without a staging URL, saying what to set',
      withoutStaging,
      [],
      [other],
      unresolved(noStaging),
    ],
    [
      'the preview of a route',
      withStaging,
      [explicitTo(other.id)],
      [other, same],
      atPreview(other),
    ],
    [
      'a preview on the same branch (group)',
      withStaging,
      [],
      [other, same],
      atPreview(same),
    ],
    [
      'a same-branch preview even without staging URL',
      withoutStaging,
      [],
      [same],
      { ...atPreview(same), stagingUrl: undefined } as any,
    ],
    [
      'staging when a user chose staging over the group',
      withStaging,
      [{ dependencyRef: orders, explicit: true }],
      [same],
      atStaging(),
    ],
    [
      'not a same-branch preview that is destroying',
      withStaging,
      [],
      [preview('p-same', 'feature/x', 'destroying')],
      atStaging(),
    ],
    [
      'not a same-branch preview that failed',
      withStaging,
      [],
      [preview('p-same', 'feature/x', 'failed')],
      atStaging(),
    ],
    [
      'not a same-branch preview without a Service',
      withStaging,
      [],
      [preview('p-same', 'feature/x', 'ready', false)],
      atStaging(),
    ],
    [
      'a routed preview that is provisioning',
      withStaging,
      [explicitTo('p1')],
      [preview('p1', 'b', 'provisioning')],
      atPreview(preview('p1', 'b', 'provisioning')),
    ],
    [
      'a routed preview that is degraded',
      withStaging,
      [explicitTo('p1')],
      [preview('p1', 'b', 'degraded')],
      atPreview(preview('p1', 'b', 'degraded')),
    ],
    [
      'staging with a notice when the routed preview is destroyed',
      withStaging,
      [explicitTo('p1')],
      [preview('p1', 'b', 'destroyed')],
      atStaging('orders-api preview orders-p1 is destroyed; now using staging'),
    ],
    [
      'staging with a notice when the routed preview is unknown',
      withStaging,
      [explicitTo('p9')],
      [],
      atStaging('orders-api preview p9 is gone; now using staging'),
    ],
    [
      'unresolved with both messages when the routed preview is gone and there is no staging',
      withoutStaging,
      [explicitTo('p9')],
      [],
      unresolved(
        `${noStaging}; orders-api preview p9 is gone; now using nothing`,
      ),
    ],
    [
      'staging with the notice kept in the route',
      withStaging,
      [
        {
          dependencyRef: orders,
          explicit: false,
          message: 'orders-api preview x was destroyed; now using staging',
        },
      ],
      [],
      atStaging('orders-api preview x was destroyed; now using staging'),
    ],
    [
      'the group again after a fallback (not a user choice)',
      withStaging,
      [
        {
          dependencyRef: orders,
          explicit: false,
          message: 'orders-api preview x was destroyed; now using staging',
        },
      ],
      [same],
      atPreview(same),
    ],
    [
      'never itself',
      withStaging,
      [explicitTo(self)],
      [{ ...same, id: self }],
      atStaging('orders-api preview orders-p-same is ready; now using staging'),
    ],
    [
      'the public URL of a preview in another cluster',
      withStaging,
      [explicitTo('p1')],
      [
        {
          ...preview('p1', 'b'),
          cluster: 'eu',
          publicUrl: 'https://orders-p1.previews.test',
        },
      ],
      {
        ...atPreview(preview('p1', 'b')),
        url: 'https://orders-p1.previews.test',
      },
    ],
    [
      'not a preview in another cluster without a public URL',
      withStaging,
      [],
      [{ ...same, cluster: 'eu' }],
      atStaging(),
    ],
    [
      'a route to a preview of another component is ignored',
      withStaging,
      [explicitTo('x1')],
      [{ ...other, id: 'x1', entityRef: 'component:default/payments' }],
      atStaging('orders-api preview x1 is gone; now using staging'),
    ],
  ])('%s', (_, dep, routes, previews, expected) => {
    const [resolved] = resolveDependencies({
      previewId: self,
      branch: 'feature/x',
      dependencies: [dep],
      routes,
      previews,
    });
    expect(resolved).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('reports a problem reading the dependency instead of the staging hint', () => {
    const [resolved] = resolveDependencies({
      previewId: self,
      branch: 'b',
      dependencies: [
        {
          ...withoutStaging,
          problem: 'No component component:default/orders-api in the catalog',
        },
      ],
      routes: [],
      previews: [],
    });
    expect(resolved).toEqual(
      unresolved('No component component:default/orders-api in the catalog'),
    );
  });

  it('resolves each dependency on its own, in order', () => {
    const payments = {
      entityRef: 'component:default/payments',
      env: 'PAY',
      stagingUrl: 'https://pay.staging',
    };
    const resolved = resolveDependencies({
      previewId: self,
      branch: 'feature/x',
      dependencies: [payments, withStaging],
      routes: [],
      previews: [same],
    });
    expect(resolved.map(d => [d.entityRef, d.target, d.url])).toEqual([
      ['component:default/payments', 'staging', 'https://pay.staging'],
      [orders, 'preview', same.serviceUrl],
    ]);
    expect(dependencyEnv([...resolved, unresolved('x')])).toEqual([
      { env: 'PAY', url: 'https://pay.staging' },
      { env: 'ORDERS_API_URL', url: same.serviceUrl, previewName: same.name },
    ]);
  });
});
