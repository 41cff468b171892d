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
