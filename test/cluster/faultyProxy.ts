import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { readKubeconfig } from './countingProxy';

/** Which requests a fault applies to. */
export type RequestMatch = (method: string, path: string) => boolean;

interface Fault {
  match: RequestMatch;
  status: number;
  remaining: number;
}

/**
 * A loopback HTTP proxy in front of a test cluster's apiserver that can
 * misbehave on purpose: answer matching requests with 500/409/429 (as
 * Kubernetes Status objects) a number of times, hold matching requests until
 * released, and refuse everything once closed. The backend under test talks
 * to `url` without credentials; the proxy adds the admin token and the CA.
 */
export async function startFaultyProxy(kubeconfigPath: string) {
  const { server: upstream, token, ca } = readKubeconfig(kubeconfigPath);
  const agent = new https.Agent({ ca, keepAlive: false });
  const faults: Fault[] = [];
  const served: Array<{ method: string; path: string; status: number }> = [];
  let holding: RequestMatch | undefined;
  const held: Array<{
    method: string;
    path: string;
    release: () => void;
    drop: () => void;
  }> = [];

  function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
  ) {
    const url = new URL(req.url ?? '/', upstream);
    const headers = {
      ...req.headers,
      host: url.host,
      authorization: `Bearer ${token}`,
    };
    const out = https.request(
      url,
      { method: req.method, headers, agent },
      upstreamRes => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        res.flushHeaders();
        upstreamRes.pipe(res);
        // The apiserver died mid-response (a watch): cut the client's connection too.
        upstreamRes.on('error', () => res.destroy());
        upstreamRes.on('aborted', () => res.destroy());
      },
    );
    out.on('error', e => {
      // The apiserver is down: what a load balancer in front of it would say.
      if (!res.headersSent)
        res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream: ${e.message}`);
    });
    res.on('close', () => out.destroy());
    out.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', upstream).pathname;
      const fault = faults.find(f => f.remaining > 0 && f.match(method, path));
      if (fault) {
        fault.remaining--;
        served.push({ method, path, status: fault.status });
        const reasons: Record<number, string> = {
          409: 'Conflict',
          429: 'TooManyRequests',
          500: 'InternalError',
          503: 'ServiceUnavailable',
        };
        const reason = reasons[fault.status] ?? 'Unknown';
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          ...(fault.status === 429 ? { 'retry-after': '1' } : {}),
        });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: `injected ${fault.status}`,
            reason,
            code: fault.status,
          }),
        );
        return;
      }
      const body = Buffer.concat(chunks);
      if (holding?.(method, path)) {
        held.push({
          method,
          path,
          release: () => forward(req, res, body),
          drop: () => res.destroy(),
        });
        return;
      }
      forward(req, res, body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Answers the next `times` matching requests with `status`. */
    fail(match: RequestMatch, status: 409 | 429 | 500 | 503, times: number) {
      faults.push({ match, status, remaining: times });
    },
    /** Faults answered so far. */
    served: () => [...served],
    /** Holds matching requests (until release()) from now on. */
    hold(match: RequestMatch) {
      holding = match;
    },
    /** Requests being held. */
    held: () => held.map(h => ({ method: h.method, path: h.path })),
    /** Stops holding and forwards what was held. */
    release() {
      holding = undefined;
      for (const h of held.splice(0)) h.release();
    },
    /** Refuses everything from now on: held and open requests are cut. */
    close: () =>
      new Promise<void>(resolve => {
        for (const h of held.splice(0)) h.drop();
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

export type FaultyProxy = Awaited<ReturnType<typeof startFaultyProxy>>;
