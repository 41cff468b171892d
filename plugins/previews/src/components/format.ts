import { ResponseError } from '@backstage/errors';
import { PreviewsT } from '../translation';

// The helpers here run outside components, so they take the translate function.

const UNITS = [
  ['format.age.year', 365 * 24 * 60 * 60],
  ['format.age.month', 30 * 24 * 60 * 60],
  ['format.age.day', 24 * 60 * 60],
  ['format.age.hour', 60 * 60],
  ['format.age.minute', 60],
] as const;

/**
 * How long ago a moment was, as a short duration such as `5 minutes` or
 * `1 day`. Anything under a minute is `less than a minute`.
 */
export function formatAge(
  t: PreviewsT,
  since: string | Date,
  now: Date = new Date(),
): string {
  const start = typeof since === 'string' ? new Date(since) : since;
  if (Number.isNaN(start.getTime())) {
    return '';
  }
  const seconds = Math.max(0, (now.getTime() - start.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    const count = Math.floor(seconds / size);
    if (count >= 1) {
      return t(unit, { count });
    }
  }
  return t('format.age.lessThanAMinute');
}

/** A timestamp in the user's locale, or the raw value if it cannot be parsed. */
export function formatDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/**
 * The message to show a user for a failed call: for a backend error the
 * message the server gave, otherwise the error's own message.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause?.message || error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

const SHORT_UNITS = [
  ['format.duration.days', 24 * 60 * 60],
  ['format.duration.hours', 60 * 60],
  ['format.duration.minutes', 60],
] as const;

/** A duration as its largest whole unit, e.g. `5 h`, `2 d`, `12 min`, `< 1 min`. */
export function formatDurationShort(
  t: PreviewsT,
  milliseconds: number,
): string {
  const seconds = Math.abs(milliseconds) / 1000;
  for (const [unit, size] of SHORT_UNITS) {
    const count = Math.floor(seconds / size);
    if (count >= 1) {
      return t(unit, { amount: String(count) });
    }
  }
  return t('format.duration.underAMinute');
}

/**
 * How much longer a kept preview may live, `at most 3 d more`, or empty when
 * it has no expiry.
 */
export function formatKeptLimit(
  t: PreviewsT,
  preview: { expiresAt?: string },
  now: Date = new Date(),
): string {
  const at = preview.expiresAt ? Date.parse(preview.expiresAt) : NaN;
  return Number.isNaN(at)
    ? ''
    : t('format.expiry.keptLimit', {
        duration: formatDurationShort(t, at - now.getTime()),
      });
}

/**
 * When a preview goes away, relative to now: `kept`, `kept, at most 3 d more`,
 * `expires in 5 h`, `expired 10 min ago`, or empty when unknown.
 */
export function formatExpiry(
  t: PreviewsT,
  preview: { expiresAt?: string; keep?: boolean },
  now: Date = new Date(),
): string {
  if (preview.keep) {
    const limit = formatKeptLimit(t, preview, now);
    return limit
      ? t('format.expiry.keptWithLimit', { limit })
      : t('format.expiry.kept');
  }
  const at = preview.expiresAt ? Date.parse(preview.expiresAt) : NaN;
  if (Number.isNaN(at)) {
    return '';
  }
  const left = at - now.getTime();
  const duration = formatDurationShort(t, left);
  return left > 0
    ? t('format.expiry.expiresIn', { duration })
    : t('format.expiry.expired', { duration });
}

/** Whole hours an extend can still add, from the current expiry to the maximum. */
export function extendableHours(
  preview: { expiresAt?: string; maxExpiresAt?: string },
  now: Date = new Date(),
): number | undefined {
  if (!preview.maxExpiresAt) {
    return undefined;
  }
  const max = Date.parse(preview.maxExpiresAt);
  const from = preview.expiresAt
    ? Date.parse(preview.expiresAt)
    : now.getTime();
  if (Number.isNaN(max) || Number.isNaN(from)) {
    return undefined;
  }
  return Math.max(0, Math.floor((max - from) / 3_600_000));
}

/** A cost such as `$0.42/h` (two decimals, or three under a cent). */
export function formatCost(
  amount: number,
  currency: string,
  suffix = '',
): string {
  const digits = amount > 0 && amount < 0.01 ? 3 : 2;
  try {
    return `${new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount)}${suffix}`;
  } catch {
    // Not an ISO 4217 code: show it as it is.
    return `${amount.toFixed(digits)} ${currency}${suffix}`;
  }
}

/** `component:default/orders-api` -> `orders-api`; other namespaces and kinds stay visible. */
export function shortRef(entityRef: string): string {
  const match = /^(?:([^:]+):)?(?:([^/]+)\/)?(.+)$/.exec(entityRef);
  if (!match) return entityRef;
  const [, kind, namespace, name] = match;
  const ns = namespace && namespace !== 'default' ? `${namespace}/` : '';
  const k =
    kind &&
    kind.toLowerCase() !== 'component' &&
    kind.toLowerCase() !== 'group' &&
    kind.toLowerCase() !== 'user'
      ? `${kind}:`
      : '';
  return `${k}${ns}${name}`;
}

/** How long ago, short: `just now`, `12 min ago`, `5 h ago`, `3 d ago`. */
export function formatAgeShort(
  t: PreviewsT,
  since: string,
  now: Date = new Date(),
): string {
  const start = Date.parse(since);
  if (Number.isNaN(start)) return '';
  const elapsed = now.getTime() - start;
  return elapsed < 60_000
    ? t('format.justNow')
    : t('format.ago', { duration: formatDurationShort(t, elapsed) });
}

/** `0.4 s`, `12 s`, `2 min 5 s`: a phase's duration, to a tenth below 10 s. */
export function formatSeconds(t: PreviewsT, seconds: number): string {
  if (seconds < 10) {
    return t('format.seconds.seconds', {
      seconds: String(Math.round(seconds * 10) / 10),
    });
  }
  if (seconds < 60) {
    return t('format.seconds.seconds', {
      seconds: String(Math.round(seconds)),
    });
  }
  const minutes = String(Math.floor(seconds / 60));
  const rest = Math.round(seconds - Number(minutes) * 60);
  return rest
    ? t('format.seconds.minutesAndSeconds', { minutes, seconds: String(rest) })
    : t('format.seconds.minutes', { minutes });
}
