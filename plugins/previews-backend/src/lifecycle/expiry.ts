import { PREVIEWS_TTL_ANNOTATION } from '@backstage-previews/plugin-previews-common';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readDurationSetting } from '../config/durationSetting';

/**
 * The expiry model of previews, pure: when a preview expires, how extend and
 * keep move that, and the lifecycle settings from `previews.lifecycle`.
 *
 * A preview has a TTL expiry (creation + TTL; extend moves it, never past the
 * maximum lifetime) and an idle deadline (last activity + idle timeout). It
 * expires at the earlier of the two, except that an extend guarantees the
 * time it asked for (idle cannot end it sooner). Kept previews (by a user or
 * by the PR keep label) expire only at the admin maximum for kept previews.
 */

export const HOUR_MS = 3600_000;

export interface LifecyclePolicy {
  /** Default TTL of a new preview. Default 72. */
  ttlHours: number;
  /** Extend cannot move the expiry past creation + this. Default 168 (7 days). */
  maxLifetimeHours: number;
  /** No activity for this long expires a preview; 0 turns it off. Default 48. */
  idleHours: number;
  /** The expiry warning goes out this long before. Default 24. */
  warningHours: number;
  /** A kept preview still expires this long after its creation; 0 means never. Default 30. */
  maxKeepDays: number;
  /** A pull request with this label keeps its previews. Default `preview-keep`. */
  keepLabel: string;
  /** Sleep (scale app workloads to zero) after this long without activity. */
  sleep: { enabled: boolean; idleMinutes: number };
  /** How often the reaper runs (expiry, warnings, sleep). Default 300. */
  checkIntervalSeconds: number;
}

export const DEFAULT_LIFECYCLE_POLICY: LifecyclePolicy = {
  ttlHours: 72,
  maxLifetimeHours: 168,
  idleHours: 48,
  warningHours: 24,
  maxKeepDays: 30,
  keepLabel: 'preview-keep',
  sleep: { enabled: false, idleMinutes: 60 },
  checkIntervalSeconds: 300,
};

function nonNegative(
  config: Config | undefined,
  key: string,
  fallback: number,
  integer = false,
): number {
  const value = readDurationSetting(config, key);
  if (value === undefined) return fallback;
  if (
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new Error(
      `Invalid config previews.lifecycle.${key}: ${value} is not a ${
        integer ? 'whole ' : ''
      }number >= 0`,
    );
  }
  return value;
}

/** The policy from the `previews.lifecycle` block (pass that block); defaults filled in. */
export function lifecyclePolicyFromConfig(config?: Config): LifecyclePolicy {
  const d = DEFAULT_LIFECYCLE_POLICY;
  const policy: LifecyclePolicy = {
    ttlHours: nonNegative(config, 'ttlHours', d.ttlHours, true),
    maxLifetimeHours: nonNegative(
      config,
      'maxLifetimeHours',
      d.maxLifetimeHours,
      true,
    ),
    idleHours: nonNegative(config, 'idleHours', d.idleHours),
    warningHours: nonNegative(config, 'warningHours', d.warningHours),
    maxKeepDays: nonNegative(config, 'maxKeepDays', d.maxKeepDays),
    keepLabel: config?.getOptionalString('keepLabel') ?? d.keepLabel,
    sleep: {
      enabled: config?.getOptionalBoolean('sleep.enabled') ?? d.sleep.enabled,
      idleMinutes: nonNegative(
        config,
        'sleep.idleMinutes',
        d.sleep.idleMinutes,
      ),
    },
    checkIntervalSeconds: nonNegative(
      config,
      'checkIntervalSeconds',
      d.checkIntervalSeconds,
    ),
  };
  if (policy.ttlHours < 1)
    throw new Error(
      'Invalid config previews.lifecycle.ttlHours: must be at least 1',
    );
  if (policy.maxLifetimeHours < policy.ttlHours) {
    throw new Error(
      `Invalid config previews.lifecycle: maxLifetimeHours (${policy.maxLifetimeHours}) is less than ttlHours (${policy.ttlHours})`,
    );
  }
  if (policy.checkIntervalSeconds < 1)
    throw new Error(
      'Invalid config previews.lifecycle.checkIntervalSeconds: must be at least 1',
    );
  return policy;
}

/** How a duration of hours reads in messages: `7 days`, `36 hours`. */
export function describeHours(hours: number): string {
  if (hours >= 48 && hours % 24 === 0) return `${hours / 24} days`;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** The TTL of a component's previews: its annotation within 1..maxLifetimeHours, else the default. */
export function ttlHoursOf(
  annotations: Record<string, string> | undefined,
  policy: LifecyclePolicy,
): number {
  const raw = annotations?.[PREVIEWS_TTL_ANNOTATION];
  if (raw === undefined) return policy.ttlHours;
  const hours = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (
    !Number.isInteger(hours) ||
    hours < 1 ||
    hours > policy.maxLifetimeHours
  ) {
    throw new InputError(
      `Invalid annotation ${PREVIEWS_TTL_ANNOTATION}: ${JSON.stringify(
        raw.slice(0, 40),
      )} must be a whole number of hours from 1 to ${
        policy.maxLifetimeHours
      } (the maximum lifetime)`,
    );
  }
  return hours;
}

/** What the expiry of one preview is computed from (ISO 8601 timestamps). */
export interface ExpiryState {
  createdAt: string;
  ttlExpiresAt: string;
  maxExpiresAt: string;
  extendedUntil?: string;
  keep: boolean;
  keepLabel: boolean;
  lastActivityAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The lifecycle of a new preview. */
export function initialExpiry(
  createdAt: Date,
  ttlHours: number,
  policy: LifecyclePolicy,
): ExpiryState {
  const t = createdAt.getTime();
  return {
    createdAt: iso(t),
    ttlExpiresAt: iso(t + ttlHours * HOUR_MS),
    maxExpiresAt: iso(t + policy.maxLifetimeHours * HOUR_MS),
    keep: false,
    keepLabel: false,
    lastActivityAt: iso(t),
  };
}

/** When the reaper destroys the preview; undefined for never (kept without a bound). */
export function effectiveExpiry(
  state: ExpiryState,
  policy: LifecyclePolicy,
): string | undefined {
  if (state.keep || state.keepLabel) {
    return policy.maxKeepDays > 0
      ? iso(Date.parse(state.createdAt) + policy.maxKeepDays * 24 * HOUR_MS)
      : undefined;
  }
  let expiry = Date.parse(state.ttlExpiresAt);
  if (policy.idleHours > 0) {
    const idle = Date.parse(state.lastActivityAt) + policy.idleHours * HOUR_MS;
    const guaranteed = state.extendedUntil
      ? Date.parse(state.extendedUntil)
      : -Infinity;
    expiry = Math.min(expiry, Math.max(idle, guaranteed));
  }
  return iso(expiry);
}

/** Checks the `hours` of an extend request: a whole number from 1 up (400 otherwise). */
export function validateExtendHours(
  hours: unknown,
  policy: LifecyclePolicy,
): number {
  if (
    typeof hours !== 'number' ||
    !Number.isInteger(hours) ||
    hours < 1 ||
    hours > policy.maxLifetimeHours
  ) {
    throw new InputError(
      `hours must be a whole number from 1 to ${
        policy.maxLifetimeHours
      } (the maximum lifetime), got ${JSON.stringify(hours)?.slice(0, 40)}`,
    );
  }
  return hours;
}

/**
 * Extends the TTL expiry by `hours` from the later of the current expiry and
 * now. Beyond the maximum lifetime: a 400 naming the maximum, nothing changes.
 */
export function extendExpiry(
  state: ExpiryState,
  hours: number,
  now: Date,
  policy: LifecyclePolicy,
): ExpiryState {
  const base = Math.max(Date.parse(state.ttlExpiresAt), now.getTime());
  const next = base + hours * HOUR_MS;
  const max = Date.parse(state.maxExpiresAt);
  if (next > max) {
    const left = Math.max(0, Math.floor((max - base) / HOUR_MS));
    const more =
      left >= 1
        ? `at most ${describeHours(left)} more`
        : 'it cannot be extended any more';
    throw new InputError(
      `Cannot extend by ${describeHours(
        hours,
      )}: previews live at most ${describeHours(
        policy.maxLifetimeHours,
      )} (the maximum lifetime), until ${state.maxExpiresAt}; ${more}`,
    );
  }
  return {
    ...state,
    ttlExpiresAt: iso(next),
    extendedUntil: iso(next),
    lastActivityAt: iso(
      Math.max(now.getTime(), Date.parse(state.lastActivityAt)),
    ),
  };
}

/** Records activity at `at` (never moves backwards). */
export function withActivity(state: ExpiryState, at: Date): ExpiryState {
  const last = Date.parse(state.lastActivityAt);
  return at.getTime() > last
    ? { ...state, lastActivityAt: iso(at.getTime()) }
    : state;
}

/**
 * Whether a preview expires soon: within the warning window
 * (`warningHours`). The one rule behind the warning, the PR comment, the
 * summary's count and what the portal shows (`Preview.expiringSoon`).
 */
export function expiresSoon(
  expiresAt: string | undefined,
  now: Date,
  policy: LifecyclePolicy,
): boolean {
  return (
    expiresAt !== undefined &&
    Date.parse(expiresAt) - now.getTime() <= policy.warningHours * HOUR_MS
  );
}

/** Whether a preview with this expiry is due for its warning at `now` (not yet warned). */
export function warningDue(
  expiresAt: string | undefined,
  warnedAt: string | undefined,
  now: Date,
  policy: LifecyclePolicy,
): boolean {
  if (!expiresAt || warnedAt || policy.warningHours <= 0) return false;
  return (
    Date.parse(expiresAt) > now.getTime() && expiresSoon(expiresAt, now, policy)
  );
}

/** Whether a preview has expired at `now`. */
export function isExpired(expiresAt: string | undefined, now: Date): boolean {
  return expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();
}

/** Whether a preview idle since `lastActivityAt` should sleep at `now`. */
export function sleepDue(
  lastActivityAt: string | undefined,
  now: Date,
  policy: LifecyclePolicy,
): boolean {
  if (!policy.sleep.enabled || !lastActivityAt) return false;
  return (
    now.getTime() - Date.parse(lastActivityAt) >=
    policy.sleep.idleMinutes * 60_000
  );
}
