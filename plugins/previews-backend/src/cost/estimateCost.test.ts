import { ConfigReader } from '@backstage/config';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import {
  CostPrices,
  costPerHour,
  costPricesFromConfig,
  estimateCost,
} from './estimateCost';
import {
  DefaultRequests,
  requestsOf,
} from '../engines/shared/resourceRequests';
import { footprintFrom, targetsSpot } from './footprint';

/** The footprint of a spec on Kubernetes with these default requests. */
const footprintOf = (spec: PreviewSpec, defaults: DefaultRequests = {}) =>
  footprintFrom(requestsOf(spec, defaults), spec);

const prices: CostPrices = {
  currency: 'EUR',
  cpuCoreHour: 0.04,
  memoryGiBHour: 0.005,
  storageGiBHour: 0.0002,
  spotDiscount: 0.6,
};
const limitRangeDefaults = { cpu: '50m', memory: '64Mi' };

const spec: PreviewSpec = {
  workloads: [
    {
      name: 'web',
      image: 'shop',
      port: 8080,
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '512Mi' } },
    },
    { name: 'worker', image: 'shop-worker' },
  ],
  databases: { postgres: { storage: '5Gi' } },
  tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }],
};

describe('estimateCost', () => {
  it('matches the hand calculation for a known spec', () => {
    // CPU: web 2 × 0.25 + worker 0.05 (LimitRange default) + postgres 0.05 = 0.6 cores
    // Memory: web 2 × 0.5 + worker 0.0625 + postgres 0.0625 = 1.125 GiB
    // Compute: 0.6 × 0.04 + 1.125 × 0.005 = 0.029625, on spot × (1 − 0.6) = 0.01185
    // Storage: 5 GiB × 0.0002 = 0.001  →  0.01285 per hour; 48 h left → 0.6168 → 0.62
    const footprint = footprintOf(spec, limitRangeDefaults);
    expect(footprint).toEqual({
      app: { cpuCores: 0.55, memoryGiB: 1.0625 },
      databases: { cpuCores: 0.05, memoryGiB: 0.0625 },
      storageGiB: 5,
      spot: true,
    });
    const now = new Date('2026-11-22T00:00:00Z');
    expect(
      estimateCost(footprint, prices, {
        now,
        expiresAt: '2026-11-24T00:00:00Z',
      }),
    ).toEqual({
      perHour: 0.0129,
      remaining: 0.62,
      currency: 'EUR',
    });
    expect(costPerHour(footprint, prices)).toBeCloseTo(0.01285, 10);
  });

  it.each<[string, Partial<PreviewSpec>, Partial<CostPrices>, boolean, number]>(
    [
      [
        'on-demand nodes pay full price',
        { tolerations: undefined },
        {},
        false,
        0.029625 + 0.001,
      ],
      [
        'asleep: only the database and storage',
        {},
        {},
        true,
        (0.05 * 0.04 + 0.0625 * 0.005) * 0.4 + 0.001,
      ],
      ['no storage price', {}, { storageGiBHour: 0 }, false, 0.01185],
      [
        'no spot discount configured',
        {},
        { spotDiscount: 0 },
        false,
        0.029625 + 0.001,
      ],
    ],
  )('%s', (_name, specChange, priceChange, asleep, expected) => {
    const footprint = footprintOf(
      { ...spec, ...specChange },
      limitRangeDefaults,
    );
    expect(
      costPerHour(footprint, { ...prices, ...priceChange }, asleep),
    ).toBeCloseTo(expected, 10);
  });

  it('has no remaining cost after expiry and none given without an expiry', () => {
    const footprint = footprintOf(spec, limitRangeDefaults);
    const now = new Date('2026-11-22T00:00:00Z');
    expect(
      estimateCost(footprint, prices, {
        now,
        expiresAt: '2026-11-21T00:00:00Z',
      }).remaining,
    ).toBe(0);
    expect(estimateCost(footprint, prices, { now })).not.toHaveProperty(
      'remaining',
    );
  });

  it('counts replicas 0 as nothing and defaults replicas to 1', () => {
    const zero = footprintOf({
      workloads: [
        {
          name: 'a',
          image: 'x',
          replicas: 0,
          resources: { requests: { cpu: '1' } },
        },
      ],
    });
    expect(zero.app.cpuCores).toBe(0);
    const one = footprintOf({
      workloads: [
        {
          name: 'a',
          image: 'x',
          resources: { requests: { cpu: '1500m', memory: '1Gi' } },
        },
      ],
    });
    expect(one.app).toEqual({ cpuCores: 1.5, memoryGiB: 1 });
  });

  it('reads prices from config and refuses nonsense', () => {
    expect(costPricesFromConfig(undefined)).toBeUndefined();
    expect(
      costPricesFromConfig(
        new ConfigReader({ cpuCoreHour: 0.03, spotTolerationKey: 'pool' }),
      ),
    ).toEqual({
      currency: 'USD',
      cpuCoreHour: 0.03,
      memoryGiBHour: 0,
      storageGiBHour: 0,
      spotDiscount: 0,
      spotTolerationKey: 'pool',
    });
    expect(() =>
      costPricesFromConfig(new ConfigReader({ spotDiscount: 1.5 })),
    ).toThrow(/spotDiscount/);
    expect(() =>
      costPricesFromConfig(new ConfigReader({ cpuCoreHour: -1 })),
    ).toThrow(/cpuCoreHour/);
  });
});

describe('targetsSpot', () => {
  it.each<
    [
      string,
      Pick<PreviewSpec, 'tolerations' | 'nodeSelector'>,
      string | undefined,
      boolean,
    ]
  >([
    [
      'spot toleration',
      { tolerations: [{ key: 'spot', operator: 'Exists' }] },
      undefined,
      true,
    ],
    [
      'node selector value spot',
      { nodeSelector: { pool: 'spot' } },
      undefined,
      true,
    ],
    [
      'GKE spot label',
      { nodeSelector: { 'cloud.google.com/gke-spot': 'true' } },
      undefined,
      true,
    ],
    [
      'karpenter on-demand',
      { nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' } },
      undefined,
      false,
    ],
    [
      'other toleration',
      { tolerations: [{ key: 'gpu', operator: 'Exists' }] },
      undefined,
      false,
    ],
    [
      'configured key only',
      { tolerations: [{ key: 'spot', operator: 'Exists' }] },
      'preemptible',
      false,
    ],
    [
      'configured key matches',
      { tolerations: [{ key: 'preemptible', operator: 'Exists' }] },
      'preemptible',
      true,
    ],
    ['nothing', {}, undefined, false],
  ])('%s', (_name, s, key, expected) => {
    expect(targetsSpot(s, key)).toBe(expected);
  });
});
