import http from 'node:http';
import { AddressInfo } from 'node:net';

// A loopback stand-in for the Jira REST API v2 remote links of issues:
// `POST /rest/api/2/issue/{key}/remotelink` creates a link, or updates the one
// with the same `globalId`; `GET` lists them. Unknown issues answer 404, and
// failures can be injected.

export interface FakeRemoteLink {
  id: number;
  globalId?: string;
  application?: { type?: string; name?: string };
  relationship?: string;
  object: {
    url: string;
    title: string;
    summary?: string;
    status?: { resolved?: boolean };
  };
}

export class FakeJira {
  readonly requests: Array<{
    method: string;
    path: string;
    authorization?: string;
    body?: any;
  }> = [];
  private readonly issues = new Map<string, FakeRemoteLink[]>();
  private failures = 0;
  private failStatus = 500;
  private nextId = 10_000;
  private server?: http.Server;
  url = '';

  addIssue(key: string) {
    if (!this.issues.has(key)) this.issues.set(key, []);
  }

  links(key: string): FakeRemoteLink[] {
    return this.issues.get(key) ?? [];
  }

  /** The next `times` requests answer `status`. */
  fail(times: number, status = 500) {
    this.failures = times;
    this.failStatus = status;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }`;
    return this.url;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      let body: any;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      this.requests.push({
        method,
        path,
        authorization: req.headers.authorization,
        body,
      });
      const send = (status: number, data: unknown) => {
        res.writeHead(status, {
          'content-type': 'application/json;charset=UTF-8',
        });
        res.end(JSON.stringify(data));
      };
      if (this.failures > 0) {
        this.failures--;
        return send(this.failStatus, {
          errorMessages: ['Injected failure'],
          errors: {},
        });
      }
      if (!req.headers.authorization)
        return send(401, { errorMessages: ['You are not authenticated'] });
      const m = /^\/rest\/api\/2\/issue\/([^/]+)\/remotelink$/.exec(
        path.split('?')[0],
      );
      if (!m) return send(404, { errorMessages: ['Not found'] });
      const links = this.issues.get(decodeURIComponent(m[1]));
      if (!links)
        return send(404, {
          errorMessages: [
            'Issue does not exist or you do not have permission to see it.',
          ],
          errors: {},
        });
      if (method === 'GET') return send(200, links);
      if (method !== 'POST')
        return send(405, { errorMessages: ['Method not allowed'] });
      if (!body?.object?.url || !body?.object?.title) {
        return send(400, {
          errorMessages: [],
          errors: { object: 'url and title are required' },
        });
      }
      const existing = body.globalId
        ? links.find(l => l.globalId === body.globalId)
        : undefined;
      if (existing) {
        Object.assign(existing, { ...body, id: existing.id });
        return send(200, {
          id: existing.id,
          self: `${this.url}${path}/${existing.id}`,
        });
      }
      const link: FakeRemoteLink = { ...body, id: this.nextId++ };
      links.push(link);
      return send(201, { id: link.id, self: `${this.url}${path}/${link.id}` });
    });
  }
}
