/** How a call is retried. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the first retry; doubles each time, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * An attempt that has not answered after this long counts as a timeout
   * (transient): an apiserver that is starting may accept a connection and
   * never answer it.
   */
  attemptTimeoutMs?: number;
  /** Waits (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** Told about each retry (for logs). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  attemptTimeoutMs: 20_000,
};

/** The error of an attempt that took longer than `attemptTimeoutMs`. */
export class AttemptTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number | undefined,
): Promise<T> {
  if (!ms) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const TRANSIENT_STATUS = new Set([408, 409, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** The HTTP status of a client-node error (`code`) or of a response-like error (`statusCode`, `status`). */
function statusOf(e: unknown): number | undefined {
  const err = e as {
    code?: unknown;
    statusCode?: unknown;
    status?: unknown;
    response?: { statusCode?: unknown };
  };
  for (const v of [
    err?.code,
    err?.statusCode,
    err?.status,
    err?.response?.statusCode,
  ]) {
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/**
 * Whether the apiserver may well accept the same call a moment later: rate
 * limits (429), server errors and timeouts (5xx, 408), update conflicts (409;
 * server-side apply is idempotent), and connections refused or cut.
 */
export function isTransient(e: unknown): boolean {
  const status = statusOf(e);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  for (
    let cause: any = e, depth = 0;
    cause && depth < 5;
    cause = cause.cause, depth++
  ) {
    if (typeof cause.code === 'string' && TRANSIENT_CODES.has(cause.code))
      return true;
    if (typeof cause.errno === 'string' && TRANSIENT_CODES.has(cause.errno))
      return true;
    if (
      /ECONNREFUSED|ECONNRESET|socket hang up|ETIMEDOUT/.test(
        String(cause.message ?? ''),
      )
    )
      return true;
  }
  return false;
}

/** The delay before retry number `attempt` (1-based): exponential, capped. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}

/** Calls `fn`, retrying transient errors with exponential backoff; other errors and the last one are thrown. */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(fn(), options.attemptTimeoutMs);
    } catch (e) {
      if (attempt >= options.attempts || !isTransient(e)) throw e;
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(e, attempt, delay);
      await sleep(delay);
    }
  }
}
