import crypto from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

// A loopback HTTP server that answers the GitHub REST calls Backstage Previews
// makes (branches, pulls, pull files, file contents at a ref, deployments and
// their statuses, issue comments, labels removed, check runs) from in-memory state. It records every request and can
// inject failures: 500s, hanging responses (timeouts) and 403 rate limits.

export interface FakePullRequest {
  number: number;
  title: string;
  state: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  head: { ref: string; sha: string; repoFullName?: string };
  base: { ref: string };
  labels: string[];
  user?: { login: string; avatar_url?: string };
  files?: string[];
  updated_at: string;
}

export interface FakeDeployment {
  id: number;
  ref: string;
  environment: string;
  transient_environment: boolean;
  production_environment: boolean;
  auto_merge: boolean;
  required_contexts: string[];
  statuses: Array<{ state: string; environment_url?: string; description?: string }>;
}

/** A GitHub user as issue comments and `GET /user` show it (`simple-user`, in part). */
export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  /** The GitHub App that posted it (installation tokens), else null. */
  performed_via_github_app: { id: number; slug: string } | null;
}

interface Repo {
  owner: string;
  name: string;
  branches: Array<{ name: string; sha: string }>;
  pulls: Map<number, FakePullRequest>;
  deployments: FakeDeployment[];
  comments: FakeComment[];
  checkRuns: FakeCheckRun[];
  /** File contents by `ref` and path (what `GET /repos/{owner}/{repo}/contents/{path}?ref=` serves). */
  files: Map<string, Buffer>;
}

export interface FakeCheckRun {
  id?: number;
  sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string;
}

export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'rateLimit'; resetInSeconds?: number; retryAfter?: number };

let clock = Date.parse('2026-01-01T00:00:00Z');
/** Strictly increasing timestamps, as GitHub's `updated_at`. */
export function tick(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export class FakeGitHub {
  readonly requests: Array<{ method: string; path: string; body?: any }> = [];
  private readonly repos = new Map<string, Repo>();
  private faults: Array<{ match: RegExp; fault: Fault; times: number }> = [];
  private nextId = 1000;
  /** Whom every token authenticates (the backend's bot user). */
  readonly authenticatedUser: FakeUser = { login: 'previews-bot', id: 9001, type: 'User' };
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();
  url = '';

  repo(fullName: string): Repo {
    let repo = this.repos.get(fullName);
    if (!repo) {
      const [owner, name] = fullName.split('/');
      repo = { owner, name, branches: [], pulls: new Map(), deployments: [], comments: [], checkRuns: [], files: new Map() };
      this.repos.set(fullName, repo);
    }
    return repo;
  }

  /** A file of the repository at `ref` (a commit sha or branch name). */
  setFile(fullName: string, ref: string, path: string, content: string | Buffer) {
    this.repo(fullName).files.set(`${ref}:${path}`, Buffer.isBuffer(content) ? content : Buffer.from(content));
  }

  /**
   * `GET /repos/{owner}/{repo}/contents/{path}?ref=`: with the raw media type
   * (as Backstage's GitHub UrlReader asks) the bytes, else the `content-file`
   * object with base64 content; 404 when the file is not there at that ref.
   */
  private contents(url: URL, accept: string | undefined): { status: number; type: string; body: Buffer } | undefined {
    const m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname);
    if (!m) return undefined;
    const repo = this.repo(`${m[1]}/${m[2]}`);
    const path = decodeURIComponent(m[3]);
    const ref = url.searchParams.get('ref') ?? repo.branches[0]?.name ?? 'main';
    const file = repo.files.get(`${ref}:${path}`);
    const json = (status: number, data: unknown) => ({ status, type: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(data)) });
    if (!file) return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content' });
    if ((accept ?? '').includes('application/vnd.github.v3.raw') || (accept ?? '').includes('application/vnd.github.raw')) {
      return { status: 200, type: 'text/plain; charset=utf-8', body: file };
    }
    const sha = crypto.createHash('sha1').update(`blob ${file.length}\0`).update(file).digest('hex');
    const self = `${this.url}/repos/${m[1]}/${m[2]}/contents/${path}?ref=${ref}`;
    const html = `https://github.com/${m[1]}/${m[2]}/blob/${ref}/${path}`;
    const git = `${this.url}/repos/${m[1]}/${m[2]}/git/blobs/${sha}`;
    return json(200, {
      type: 'file',
      encoding: 'base64',
      size: file.length,
      name: path.split('/').pop(),
      path,
      content: file.toString('base64'),
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: null,
      _links: { self, git, html },
    });
  }

  addBranch(fullName: string, name: string, sha: string) {
    this.repo(fullName).branches.push({ name, sha });
  }

  addPull(fullName: string, pr: Omit<FakePullRequest, 'updated_at' | 'state' | 'labels'> & Partial<FakePullRequest>): FakePullRequest {
    const full: FakePullRequest = { state: 'open', labels: [], updated_at: tick(), ...pr };
    this.repo(fullName).pulls.set(full.number, full);
    return full;
  }

  /** Changes a pull request (its `updated_at` moves on). */
  updatePull(fullName: string, number: number, changes: Partial<FakePullRequest>): FakePullRequest {
    const pr = this.repo(fullName).pulls.get(number)!;
    Object.assign(pr, changes, { updated_at: tick() });
    return pr;
  }

  /** The REST shape of a pull request (as in webhook payloads too). */
  pullJson(fullName: string, pr: FakePullRequest) {
    const headRepo = pr.head.repoFullName ?? fullName;
    return {
      number: pr.number,
      title: pr.title,
      state: pr.state,
      merged: Boolean(pr.merged),
      draft: Boolean(pr.draft),
      html_url: `https://github.test/${fullName}/pull/${pr.number}`,
      user: pr.user ?? { login: 'octo', avatar_url: 'https://avatars.test/octo' },
      labels: pr.labels.map((name, i) => ({ id: i + 1, name })),
      head: { ref: pr.head.ref, sha: pr.head.sha, repo: { full_name: headRepo } },
      base: { ref: pr.base.ref, repo: { full_name: fullName } },
      updated_at: pr.updated_at,
    };
  }

  /** Fails the next `times` requests whose `METHOD path` matches. */
  inject(match: RegExp, fault: Fault, times = Infinity) {
    this.faults.push({ match, fault, times });
  }

  clearFaults() {
    this.faults = [];
  }

  deployments(fullName: string) {
    return this.repo(fullName).deployments;
  }

  comments(fullName: string, issue?: number) {
    return this.repo(fullName).comments.filter(c => issue === undefined || c.issue === issue);
  }

  /** Posts a comment as someone else (another user, or a GitHub App's bot). */
  addComment(fullName: string, issue: number, body: string, user: FakeUser, app: FakeComment['performed_via_github_app'] = null) {
    const c: FakeComment = { id: this.nextId++, issue, body, user, performed_via_github_app: app };
    this.repo(fullName).comments.push(c);
    return c;
  }

  /** The REST shape of an issue comment (`issue-comment`, in part). */
  commentJson(c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      user: c.user,
      author_association: c.user.login === this.authenticatedUser.login ? 'MEMBER' : 'NONE',
      performed_via_github_app: c.performed_via_github_app,
    };
  }

  addCheckRun(fullName: string, run: FakeCheckRun): FakeCheckRun {
    const full = { ...run, id: run.id ?? this.nextId++ };
    full.html_url ??= `https://github.test/${fullName}/runs/${full.id}`;
    this.repo(fullName).checkRuns.push(full);
    return full;
  }

  /** Completes a check run (e.g. `success`, `failure`). */
  completeCheckRun(fullName: string, sha: string, name: string, conclusion: string): FakeCheckRun {
    const run = this.repo(fullName).checkRuns.find(r => r.sha === sha && r.name === name)!;
    Object.assign(run, { status: 'completed', conclusion });
    return run;
  }

  /** The REST shape of a check run (as in `check_run` webhook payloads too). */
  checkRunJson(run: FakeCheckRun) {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.sha,
      status: run.status,
      conclusion: run.conclusion,
      html_url: run.html_url,
    };
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop() {
    for (const res of this.hanging) res.destroy();
    await new Promise(resolve => this.server?.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? JSON.parse(raw) : undefined;
      const method = req.method ?? 'GET';
      this.requests.push({ method, path: url.pathname + url.search, body });
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', ...headers });
        res.end(JSON.stringify(data));
      };
      const fault = this.faults.find(f => f.times > 0 && f.match.test(`${method} ${url.pathname}`));
      if (fault) {
        fault.times--;
        const f = fault.fault;
        if (f.kind === 'hang') {
          this.hanging.add(res);
          return;
        }
        if (f.kind === 'status') return send(f.status, { message: 'Server Error' });
        const reset = Math.floor(Date.now() / 1000) + (f.resetInSeconds ?? 3600);
        return send(403, { message: 'API rate limit exceeded' }, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
          ...(f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {}),
        });
      }
      const file = method === 'GET' ? this.contents(url, req.headers.accept) : undefined;
      if (file) {
        res.writeHead(file.status, { 'content-type': file.type, 'x-ratelimit-remaining': '4999' });
        res.end(file.body);
        return;
      }
      try {
        const [status, data] = this.route(method, url, body);
        send(status, data);
      } catch (e) {
        send(500, { message: String(e) });
      }
    });
  }

  private route(method: string, url: URL, body: any): [number, unknown] {
    // Every token of this fake is the same user's (a personal access token).
    if (method === 'GET' && url.pathname === '/user') return [200, { ...this.authenticatedUser, site_admin: false }];
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!m) return [404, { message: 'Not Found' }];
    const fullName = `${m[1]}/${m[2]}`;
    const rest = m[3];
    const repo = this.repo(fullName);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const paged = <T>(items: T[]) => items.slice((page - 1) * perPage, page * perPage);
    let p: RegExpExecArray | null;
    if (method === 'GET' && rest === '/branches') {
      return [200, paged(repo.branches.map(b => ({ name: b.name, commit: { sha: b.sha }, protected: false })))];
    }
    if (method === 'GET' && rest === '/pulls') {
      const state = url.searchParams.get('state') ?? 'open';
      const pulls = [...repo.pulls.values()]
        .filter(pr => state === 'all' || pr.state === state)
        .sort((a, b) => b.number - a.number);
      return [200, paged(pulls.map(pr => this.pullJson(fullName, pr)))];
    }
    if (method === 'GET' && (p = /^\/pulls\/(\d+)$/.exec(rest))) {
      const pr = repo.pulls.get(Number(p[1]));
      return pr ? [200, this.pullJson(fullName, pr)] : [404, { message: 'Not Found' }];
    }
    if (method === 'GET' && (p = /^\/pulls\/(\d+)\/files$/.exec(rest))) {
      const pr = repo.pulls.get(Number(p[1]));
      if (!pr) return [404, { message: 'Not Found' }];
      return [200, paged((pr.files ?? []).map(filename => ({ filename, status: 'modified' })))];
    }
    if (method === 'POST' && rest === '/deployments') {
      const d: FakeDeployment = {
        id: this.nextId++,
        ref: body.ref,
        environment: body.environment,
        transient_environment: body.transient_environment,
        production_environment: body.production_environment,
        auto_merge: body.auto_merge,
        required_contexts: body.required_contexts,
        statuses: [],
      };
      repo.deployments.push(d);
      return [201, { id: d.id, ref: d.ref, environment: d.environment }];
    }
    if (method === 'POST' && (p = /^\/deployments\/(\d+)\/statuses$/.exec(rest))) {
      const d = repo.deployments.find(x => x.id === Number(p![1]));
      if (!d) return [404, { message: 'Not Found' }];
      d.statuses.push({ state: body.state, environment_url: body.environment_url, description: body.description });
      return [201, { id: this.nextId++, state: body.state }];
    }
    if (method === 'GET' && (p = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(p[1]);
      return [200, paged(repo.comments.filter(c => c.issue === issue).map(c => this.commentJson(c)))];
    }
    if (method === 'POST' && (p = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const c: FakeComment = {
        id: this.nextId++,
        issue: Number(p[1]),
        body: String(body.body),
        user: { ...this.authenticatedUser },
        performed_via_github_app: null,
      };
      repo.comments.push(c);
      return [201, this.commentJson(c)];
    }
    if (method === 'PATCH' && (p = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const c = repo.comments.find(x => x.id === Number(p![1]));
      if (!c) return [404, { message: 'Not Found' }];
      c.body = String(body.body);
      return [200, this.commentJson(c)];
    }
    if (method === 'DELETE' && (p = /^\/issues\/(\d+)\/labels\/([^/]+)$/.exec(rest))) {
      const pr = repo.pulls.get(Number(p[1]));
      const name = decodeURIComponent(p[2]);
      if (!pr || !pr.labels.includes(name)) return [404, { message: 'Label does not exist' }];
      pr.labels = pr.labels.filter(l => l !== name);
      pr.updated_at = tick();
      return [200, pr.labels.map((l, i) => ({ id: i + 1, name: l }))];
    }
    if (method === 'GET' && (p = /^\/commits\/([^/]+)\/check-runs$/.exec(rest))) {
      const name = url.searchParams.get('check_name');
      const runs = repo.checkRuns.filter(r => r.sha === p![1] && (!name || r.name === name)).map(r => this.checkRunJson(r));
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    return [404, { message: `Not Found: ${method} ${rest}` }];
  }
}
