import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_LIFECYCLE_POLICY,
  ExpiryState,
  effectiveExpiry,
  extendExpiry,
  initialExpiry,
  isExpired,
  lifecyclePolicyFromConfig,
  sleepDue,
  ttlHoursOf,
  validateExtendHours,
  warningDue,
  withActivity,
} from './expiry';

const policy = DEFAULT_LIFECYCLE_POLICY;
const created = new Date('2026-11-22T00:00:00.000Z');
const at = (hours: number) => new Date(created.getTime() + hours * 3600_000);
const iso = (hours: number) => at(hours).toISOString();

describe('expiry', () => {
  it('starts with the TTL, the maximum lifetime and activity at creation', () => {
    const s = initialExpiry(created, 72, policy);
    expect(s).toEqual({
      createdAt: iso(0),
      ttlExpiresAt: iso(72),
      maxExpiresAt: iso(168),
      keep: false,
      keepLabel: false,
      lastActivityAt: iso(0),
    });
    // idle (48 h) comes before the TTL (72 h) without activity
    expect(effectiveExpiry(s, policy)).toBe(iso(48));
    expect(effectiveExpiry(s, { ...policy, idleHours: 0 })).toBe(iso(72));
  });

  it.each<[string, Partial<ExpiryState>, string | undefined]>([
    ['activity moves the idle deadline', { lastActivityAt: iso(30) }, iso(72)],
    [
      'activity early keeps the idle deadline early',
      { lastActivityAt: iso(10) },
      iso(58),
    ],
    [
      'an extend is guaranteed against idle',
      { ttlExpiresAt: iso(100), extendedUntil: iso(100) },
      iso(100),
    ],
    ['kept: the admin maximum (30 days)', { keep: true }, iso(720)],
    ['keep label: the same', { keepLabel: true }, iso(720)],
  ])('%s', (_name, change, expected) => {
    expect(
      effectiveExpiry(
        { ...initialExpiry(created, 72, policy), ...change },
        policy,
      ),
    ).toBe(expected);
  });

  it('kept without a bound never expires', () => {
    expect(
      effectiveExpiry(
        { ...initialExpiry(created, 72, policy), keep: true },
        { ...policy, maxKeepDays: 0 },
      ),
    ).toBeUndefined();
  });

  it('extends from the current expiry, within the maximum lifetime', () => {
    const s = initialExpiry(created, 72, policy);
    const extended = extendExpiry(s, 24, at(10), policy);
    expect(extended.ttlExpiresAt).toBe(iso(96));
    expect(extended.extendedUntil).toBe(iso(96));
    expect(extended.lastActivityAt).toBe(iso(10));
    expect(effectiveExpiry(extended, policy)).toBe(iso(96));
    // exactly to the maximum is allowed
    expect(extendExpiry(s, 96, at(10), policy).ttlExpiresAt).toBe(iso(168));
    // from now when the expiry is already past
    expect(
      extendExpiry({ ...s, ttlExpiresAt: iso(5) }, 2, at(10), policy)
        .ttlExpiresAt,
    ).toBe(iso(12));
  });

  it('refuses to extend beyond the maximum lifetime, naming it', () => {
    const s = initialExpiry(created, 72, policy);
    expect(() => extendExpiry(s, 97, at(10), policy)).toThrow(
      `Cannot extend by 97 hours: previews live at most 7 days (the maximum lifetime), until ${iso(
        168,
      )}; at most 4 days more`,
    );
    expect(() =>
      extendExpiry({ ...s, ttlExpiresAt: iso(168) }, 1, at(10), policy),
    ).toThrow(/it cannot be extended any more/);
  });

  it.each([0, -1, 1.5, NaN, 1e9, '24', null, undefined, true, Infinity])(
    'refuses extend hours %p',
    hours => {
      expect(() => validateExtendHours(hours, policy)).toThrow(
        /hours must be a whole number from 1 to 168/,
      );
    },
  );

  it('accepts whole hours', () => {
    expect(validateExtendHours(1, policy)).toBe(1);
    expect(validateExtendHours(168, policy)).toBe(168);
  });

  it('activity never moves backwards', () => {
    const s = {
      ...initialExpiry(created, 72, policy),
      lastActivityAt: iso(20),
    };
    expect(withActivity(s, at(10))).toBe(s);
    expect(withActivity(s, at(30)).lastActivityAt).toBe(iso(30));
  });

  it.each<[string, string | undefined, string | undefined, number, boolean]>([
    ['inside the window', iso(48), undefined, 25, true],
    ['before the window', iso(48), undefined, 23, false],
    ['already warned', iso(48), iso(25), 30, false],
    ['already expired', iso(48), undefined, 48, false],
    ['never expires', undefined, undefined, 30, false],
  ])('warning due: %s', (_name, expiresAt, warnedAt, hours, expected) => {
    expect(warningDue(expiresAt, warnedAt, at(hours), policy)).toBe(expected);
  });

  it('expires at the deadline, not before', () => {
    expect(isExpired(iso(48), at(47.99))).toBe(false);
    expect(isExpired(iso(48), at(48))).toBe(true);
    expect(isExpired(undefined, at(1000))).toBe(false);
  });

  it('sleeps only when enabled and idle long enough', () => {
    const sleepy = { ...policy, sleep: { enabled: true, idleMinutes: 30 } };
    expect(
      sleepDue(iso(0), new Date(created.getTime() + 29 * 60_000), sleepy),
    ).toBe(false);
    expect(
      sleepDue(iso(0), new Date(created.getTime() + 30 * 60_000), sleepy),
    ).toBe(true);
    expect(sleepDue(iso(0), at(100), policy)).toBe(false);
  });

  it('takes the TTL from the component annotation within bounds', () => {
    expect(ttlHoursOf(undefined, policy)).toBe(72);
    expect(
      ttlHoursOf({ 'backstage-previews.io/ttl-hours': '12' }, policy),
    ).toBe(12);
    for (const bad of ['0', '169', '1.5', 'soon', '-3']) {
      expect(() =>
        ttlHoursOf({ 'backstage-previews.io/ttl-hours': bad }, policy),
      ).toThrow(
        /backstage-previews.io\/ttl-hours: .* must be a whole number of hours from 1 to 168/,
      );
    }
  });

  it('reads the policy from config', () => {
    expect(lifecyclePolicyFromConfig(undefined)).toEqual(
      DEFAULT_LIFECYCLE_POLICY,
    );
    const p = lifecyclePolicyFromConfig(
      new ConfigReader({
        ttlHours: 24,
        maxLifetimeHours: 48,
        idleHours: 0,
        maxKeepDays: 7,
        sleep: { enabled: true, idleMinutes: 15 },
      }),
    );
    expect(p).toMatchObject({
      ttlHours: 24,
      maxLifetimeHours: 48,
      idleHours: 0,
      maxKeepDays: 7,
      sleep: { enabled: true, idleMinutes: 15 },
    });
    expect(() =>
      lifecyclePolicyFromConfig(
        new ConfigReader({ ttlHours: 100, maxLifetimeHours: 50 }),
      ),
    ).toThrow(/maxLifetimeHours/);
    expect(() =>
      lifecyclePolicyFromConfig(new ConfigReader({ ttlHours: 1.5 })),
    ).toThrow(/ttlHours/);
  });

  it("reads the durations as HumanDuration too, in the older keys' units", () => {
    const p = lifecyclePolicyFromConfig(
      new ConfigReader({
        ttl: '2d',
        maxLifetime: { days: 7 },
        idle: 'PT12H',
        warning: { hours: 6 },
        maxKeep: '2w',
        checkInterval: { minutes: 1 },
        sleep: { enabled: true, idle: '90m' },
      }),
    );
    expect(p).toMatchObject({
      ttlHours: 48,
      maxLifetimeHours: 168,
      idleHours: 12,
      warningHours: 6,
      maxKeepDays: 14,
      checkIntervalSeconds: 60,
      sleep: { enabled: true, idleMinutes: 90 },
    });
    // still whole hours: a TTL of 90 minutes is refused as 1.5 hours was
    expect(() =>
      lifecyclePolicyFromConfig(new ConfigReader({ ttl: '90m' })),
    ).toThrow(/ttlHours: 1.5 is not a whole number/);
    expect(() =>
      lifecyclePolicyFromConfig(new ConfigReader({ ttl: '1d', ttlHours: 24 })),
    ).toThrow(/set ttl or ttlHours, not both/);
  });
});
