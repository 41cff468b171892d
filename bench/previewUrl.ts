import { ingressGet } from '../test/cluster/ingressGet';
import { waitFor } from './stats';

/** Polls every 20 ms until the preview's URL answers 200; returns when it did (performance.now()). */
export async function firstOk(
  proxyPort: number,
  host: string,
  timeoutMs = 120_000,
): Promise<number> {
  let at = 0;
  await waitFor(
    `${host} to answer 200`,
    async () => {
      if ((await ingressGet(proxyPort, host, '/healthz')).status !== 200)
        return false;
      at = performance.now();
      return true;
    },
    timeoutMs,
    20,
  );
  return at;
}
