/** Small statistics for benchmark samples (milliseconds). */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[rank];
}

export const median = (samples: number[]) => percentile(samples, 50);

export const round = (n: number, digits = 1) =>
  Math.round(n * 10 ** digits) / 10 ** digits;

export async function waitFor(
  what: string,
  fn: () => Promise<boolean>,
  timeoutMs = 600_000,
  everyMs = 100,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise(r => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}
