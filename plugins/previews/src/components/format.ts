import { ResponseError } from '@backstage/errors';

const UNITS: ReadonlyArray<[unit: string, seconds: number]> = [
  ['year', 365 * 24 * 60 * 60],
  ['month', 30 * 24 * 60 * 60],
  ['day', 24 * 60 * 60],
  ['hour', 60 * 60],
  ['minute', 60],
];

/**
 * How long ago a moment was, as a short English duration such as
 * `5 minutes` or `1 day`. Anything under a minute is `less than a minute`.
 */
export function formatAge(
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
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return 'less than a minute';
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

const SHORT_UNITS: ReadonlyArray<[unit: string, seconds: number]> = [
  ['d', 24 * 60 * 60],
  ['h', 60 * 60],
  ['min', 60],
];

/** A duration as its largest whole unit, e.g. `5 h`, `2 d`, `12 min`, `< 1 min`. */
export function formatDurationShort(milliseconds: number): string {
  const seconds = Math.abs(milliseconds) / 1000;
  for (const [unit, size] of SHORT_UNITS) {
    const count = Math.floor(seconds / size);
    if (count >= 1) {
      return `${count} ${unit}`;
    }
  }
  return '< 1 min';
}

/**
 * When a preview goes away, relative to now: `kept`, `kept, until in 3 d`,
 * `expires in 5 h`, `expired 10 min ago`, or empty when unknown.
 */
export function formatExpiry(
  preview: { expiresAt?: string; keep?: boolean },
  now: Date = new Date(),
): string {
  const at = preview.expiresAt ? Date.parse(preview.expiresAt) : NaN;
  if (preview.keep) {
    return Number.isNaN(at)
      ? 'kept'
      : `kept, at most ${formatDurationShort(at - now.getTime())} more`;
  }
  if (Number.isNaN(at)) {
    return '';
  }
  const left = at - now.getTime();
  return left > 0
    ? `expires in ${formatDurationShort(left)}`
    : `expired ${formatDurationShort(left)} ago`;
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
export function formatAgeShort(since: string, now: Date = new Date()): string {
  const start = Date.parse(since);
  if (Number.isNaN(start)) return '';
  const elapsed = now.getTime() - start;
  return elapsed < 60_000 ? 'just now' : `${formatDurationShort(elapsed)} ago`;
}

/** `0.4 s`, `12 s`, `2 min 5 s`: a phase's duration, to a tenth below 10 s. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}
