import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';

/** One request seen by the proxy. */
export interface CountedRequest {
  method: string;
  path: string;
  watch: boolean;
}

/**
 * A loopback HTTP proxy in front of the test cluster's apiserver that counts
 * every request passing through it (watches included, counted when opened).
 * The backend under test talks to `url` without credentials; the proxy adds
 * the admin token and the cluster CA.
 */
export async function startCountingProxy(kubeconfigPath: string): Promise<{
  url: string;
  requests: () => CountedRequest[];
  reset: () => void;
  close: () => Promise<void>;
}> {
  const { server: upstream, token, ca } = readKubeconfig(kubeconfigPath);
  const agent = new https.Agent({ ca, keepAlive: true });
  let seen: CountedRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', upstream);
    seen.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      watch: url.searchParams.get('watch') === 'true',
    });
    const headers = {
      ...req.headers,
      host: url.host,
      authorization: `Bearer ${token}`,
    };
    const forward = https.request(
      url,
      { method: req.method, headers, agent },
      upstreamRes => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        // A watch sends its headers long before any body: pass them on now.
        res.flushHeaders();
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', e => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(forward);
    res.on('close', () => forward.destroy());
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...seen],
    reset: () => {
      seen = [];
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/** The server, token and CA of the test cluster's kubeconfig (written by start.sh). */
export function readKubeconfig(file: string): {
  server: string;
  token: string;
  ca: Buffer;
} {
  const text = fs.readFileSync(file, 'utf8');
  const pick = (key: string) => {
    const m = new RegExp(`^\\s*${key}:\\s*"?([^"\\s]+)"?\\s*$`, 'm').exec(text);
    if (!m) throw new Error(`${file} has no ${key}`);
    return m[1];
  };
  return {
    server: pick('server'),
    token: pick('token'),
    ca: Buffer.from(pick('certificate-authority-data'), 'base64'),
  };
}
