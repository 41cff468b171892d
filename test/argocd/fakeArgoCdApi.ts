import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server answering the few Argo CD REST calls the previews
 * backend makes: `POST /api/v1/session` (username/password → token) and
 * `POST /api/v1/applications/{name}/sync` (bearer token). Tests can expire
 * tokens, make it fail with a status, or make it slow.
 */
export class FakeArgoCdApi {
  readonly syncs: Array<{ name: string; body: unknown }> = [];
  logins = 0;
  /** Answer every API call (not the login) with this status. */
  failWith?: number;
  /** Delay every answer by this much. */
  delayMs = 0;
  private readonly tokens = new Set<string>();
  private server?: http.Server;

  constructor(
    private readonly credentials = { username: 'admin', password: 'secret' },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Forgets every issued token: the next call gets a 401. */
  expireTokens() {
    this.tokens.clear();
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', c => (raw += c));
      req.on('end', () =>
        setTimeout(() => this.answer(req, raw, res), this.delayMs),
      );
    });
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise(r => this.server?.close(r));
  }

  private answer(
    req: http.IncomingMessage,
    raw: string,
    res: http.ServerResponse,
  ) {
    const json = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = raw ? JSON.parse(raw) : undefined;
    if (req.method === 'POST' && req.url === '/api/v1/session') {
      if (
        body?.username !== this.credentials.username ||
        body?.password !== this.credentials.password
      ) {
        return json(401, { error: 'invalid username or password', code: 16 });
      }
      this.logins++;
      const token = `token-${this.logins}`;
      this.tokens.add(token);
      return json(200, { token });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.tokens.has(token))
      return json(401, { error: 'invalid session', code: 16 });
    if (this.failWith)
      return json(this.failWith, { error: 'failing on purpose', code: 13 });
    const sync = /^\/api\/v1\/applications\/([^/]+)\/sync$/.exec(req.url ?? '');
    if (req.method === 'POST' && sync) {
      const name = decodeURIComponent(sync[1]);
      this.syncs.push({ name, body });
      return json(200, { metadata: { name } });
    }
    return json(404, { error: 'not found', code: 5 });
  }
}
