import { ConfigReader } from '@backstage/config';
import { QuotaPreview, quotaLimitsFromConfig, quotaRefusal } from './quotas';

const live: QuotaPreview[] = [
  {
    name: 'shop-c',
    entityRef: 'component:default/shop',
    ownerRef: 'group:default/team-a',
    createdBy: 'user:default/ann',
    createdAt: '2026-11-20T03:00:00Z',
  },
  {
    name: 'shop-a',
    entityRef: 'component:default/shop',
    ownerRef: 'group:default/team-a',
    createdBy: 'user:default/bob',
    createdAt: '2026-11-20T01:00:00Z',
  },
  {
    name: 'cart-b',
    entityRef: 'component:default/cart',
    ownerRef: 'group:default/team-a',
    createdBy: 'user:default/ann',
    createdAt: '2026-11-20T02:00:00Z',
  },
  {
    name: 'auth-a',
    entityRef: 'component:default/auth',
    ownerRef: 'group:default/team-b',
    createdAt: '2026-11-19T00:00:00Z',
  },
];
const request = {
  entityRef: 'component:default/shop',
  ownerRef: 'group:default/team-a',
  createdBy: 'user:default/ann',
};

/** What a refusal should be: matching the pattern, or undefined without one. */
const matching = (pattern: RegExp | undefined) =>
  pattern ? expect.stringMatching(pattern) : undefined;

describe('quotaRefusal', () => {
  it.each<[string, Record<string, number>, typeof request, RegExp | undefined]>(
    [
      ['no limits', {}, request, undefined],
      [
        'under every limit',
        { perComponent: 3, perOwner: 4, perUser: 3, total: 5 },
        request,
        undefined,
      ],
      [
        'per component',
        { perComponent: 2 },
        request,
        /component:default\/shop has 2 live previews, the limit is 2 \(previews\.quotas\.perComponent\)\. Destroy one of the oldest first: shop-a, shop-c$/,
      ],
      [
        'per owner',
        { perOwner: 3 },
        request,
        /owner group:default\/team-a has 3 live previews, the limit is 3 \(previews\.quotas\.perOwner\)\. Destroy one of the oldest first: shop-a, cart-b, shop-c$/,
      ],
      [
        'per user',
        { perUser: 2 },
        request,
        /user:default\/ann has 2 live previews, the limit is 2 \(previews\.quotas\.perUser\)\. Destroy one of the oldest first: cart-b, shop-c$/,
      ],
      [
        'per user does not apply to label-driven creates',
        { perUser: 1 },
        { ...request, createdBy: undefined as any },
        undefined,
      ],
      [
        'total',
        { total: 4 },
        request,
        /Backstage Previews has 4 live previews, the limit is 4 \(previews\.quotas\.total\)\. Destroy one of the oldest first: auth-a, shop-a, cart-b$/,
      ],
      [
        'another component is not limited by shop',
        { perComponent: 2 },
        { ...request, entityRef: 'component:default/cart' },
        undefined,
      ],
    ],
  )('%s', (_name, limits, req, expected) => {
    const refusal = quotaRefusal(live, req, limits);
    expect(refusal).toEqual(matching(expected));
  });

  it('reads limits from config and refuses bad ones', () => {
    expect(
      quotaLimitsFromConfig(new ConfigReader({ perComponent: 3, total: 50 })),
    ).toEqual({ perComponent: 3, total: 50 });
    expect(quotaLimitsFromConfig(undefined)).toEqual({});
    expect(() =>
      quotaLimitsFromConfig(new ConfigReader({ perUser: 0 })),
    ).toThrow(/perUser/);
    expect(() =>
      quotaLimitsFromConfig(new ConfigReader({ total: 2.5 })),
    ).toThrow(/total/);
  });
});
