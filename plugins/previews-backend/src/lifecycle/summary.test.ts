import {
  Preview,
  PreviewTimeline,
} from '@backstage-previews/plugin-previews-common';
import type { PreviewsStore } from '../database/PreviewsStore';
import { DEFAULT_LIFECYCLE_POLICY } from './expiry';
import { LifecycleHooks } from './LifecycleHooks';
import { LifecycleService } from './LifecycleService';

const now = new Date('2026-12-04T12:00:00Z');
// The summary reads nothing from the store or the use cases.
const lifecycle = new LifecycleService({
  hooks: new LifecycleHooks({
    store: {} as PreviewsStore,
    policy: DEFAULT_LIFECYCLE_POLICY,
    quotas: {},
    clock: () => now,
  }),
  store: {} as PreviewsStore,
  service: { get: jest.fn(), setAsleep: jest.fn() },
});

let n = 0;
function preview(
  entityRef: string,
  status: Preview['status'],
  phases?: PreviewTimeline['phases'],
): Preview {
  n += 1;
  return {
    id: `p${n}`,
    name: `p${n}`,
    namespace: `p${n}`,
    entityRef,
    branch: `b${n}`,
    engine: 'kubernetes',
    status,
    createdAt: '2026-12-04T10:00:00Z',
    updatedAt: '2026-12-04T10:00:00Z',
    ...(phases
      ? {
          timeline: {
            trigger: 'create',
            startedAt: '2026-12-04T10:00:00Z',
            phases,
          },
        }
      : {}),
  };
}

describe('the summary of rollout phases', () => {
  it('gives each component with live previews the p50 and p95 of each phase over its live and destroyed previews', () => {
    const summary = lifecycle.summary([
      preview('component:default/shop', 'ready', {
        queued: 1,
        seed: 10,
        ready: 2,
      }),
      preview('component:default/shop', 'destroyed', { queued: 3, ready: 4 }),
      preview('component:default/shop', 'provisioning'),
      preview('component:default/api', 'destroyed', { queued: 9 }),
      preview('component:default/web', 'ready'),
    ]);
    const shop = summary.byComponent.find(
      g => g.ref === 'component:default/shop',
    )!;
    expect(shop.live).toBe(2);
    expect(shop.phases).toEqual({
      queued: { p50: 1, p95: 3, count: 2 },
      seed: { p50: 10, p95: 10, count: 1 },
      ready: { p50: 2, p95: 4, count: 2 },
    });
    // Only components with live previews are listed; one without any timeline has no phases.
    expect(summary.byComponent.map(g => g.ref).sort()).toEqual([
      'component:default/shop',
      'component:default/web',
    ]);
    expect(
      summary.byComponent.find(g => g.ref === 'component:default/web'),
    ).not.toHaveProperty('phases');
    // Destroyed previews count towards nothing else.
    expect(summary.total.live).toBe(3);
    expect(summary.total).not.toHaveProperty('phases');
  });
});
