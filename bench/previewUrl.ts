import http from 'node:http';
import { waitFor } from './stats';

/**
 * One GET of a preview's URL through the test cluster's reverse proxy (the
 * Host header picks the preview, as the preview's DNS name would): the status,
 * or 0 when nothing answered.
 */
export function getThroughProxy(proxyPort: number, host: string, timeoutMs = 2000): Promise<number> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port: proxyPort, path: '/healthz', headers: { host }, timeout: timeoutMs }, res => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Polls every 20 ms until the preview's URL answers 200; returns when it did (performance.now()). */
export async function firstOk(proxyPort: number, host: string, timeoutMs = 120_000): Promise<number> {
  let at = 0;
  await waitFor(`${host} to answer 200`, async () => {
    if ((await getThroughProxy(proxyPort, host)) !== 200) return false;
    at = performance.now();
    return true;
  }, timeoutMs, 20);
  return at;
}
