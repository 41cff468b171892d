import http from 'node:http';

/** What one request through the reverse proxy got back. */
export interface IngressAnswer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * One GET through the test cluster's reverse proxy on 127.0.0.1:<port>, with
 * the Host header that picks the preview (as its DNS name would; fetch may
 * not set Host) and any other headers (a cookie, a bypass token). Resolves
 * to the status, headers and body; status 0 when nothing answered.
 */
export function ingressGet(
  port: number,
  host: string,
  path = '/',
  timeoutMs = 2000,
  headers: Record<string, string> = {},
): Promise<IngressAnswer> {
  return new Promise(resolve => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { ...headers, host },
        timeout: timeoutMs,
        // a connection of its own: a kept-alive one may have been closed by
        // an nginx reload (other tests change Ingresses), answering nothing
        agent: false,
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers }),
        );
        res.on('error', () =>
          resolve({ status: 0, body, headers: res.headers }),
        );
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '', headers: {} }));
  });
}
