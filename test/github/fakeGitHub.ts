import http from 'node:http';
import { AddressInfo } from 'node:net';
import type {
  FakeApp,
  FakeCheckRun,
  FakeComment,
  FakeDeployment,
  FakePullRequest,
  FakeUser,
} from './fakeGitHubState';
import * as rest from './githubRestObjects';

export type {
  FakeApp,
  FakeCheckRun,
  FakeComment,
  FakeDeployment,
  FakeDeploymentStatus,
  FakePullRequest,
  FakeUser,
} from './fakeGitHubState';

// A loopback HTTP server that answers the GitHub REST calls Backstage Previews
// makes (branches, pulls, pull files, file contents at a ref, deployments and
// their statuses, issue comments, labels removed, check runs) from in-memory state. It records every request and can
// inject failures: 500s, hanging responses (timeouts) and 403 rate limits.
// Its answers have GitHub's shapes (githubRestObjects.ts), checked against
// GitHub's OpenAPI description by test/src/githubStandIn.test.ts.

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

export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'rateLimit'; resetInSeconds?: number; retryAfter?: number };

/** One request as a route sees it: the path's parameters by name, and the repository it names. */
interface RouteRequest {
  params: Record<string, string>;
  fullName: string;
  repo: Repo;
  url: URL;
  body: any;
  accept: string;
}

/** An answer: JSON, or raw bytes (`Buffer`) of a content type. */
type Answer = [status: number, data: unknown, contentType?: string];

interface Route {
  method: string;
  /** GitHub's path template, as its OpenAPI description writes it. */
  path: string;
  answer: (r: RouteRequest) => Answer;
}

let clock = Date.parse('2026-01-01T00:00:00Z');
/** Strictly increasing timestamps, as GitHub's `updated_at`. */
export function tick(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

const notFound: Answer = [404, { message: 'Not Found' }];
const JSON_TYPE = 'application/json; charset=utf-8';

export class FakeGitHub {
  readonly requests: Array<{ method: string; path: string; body?: any }> = [];
  private readonly repos = new Map<string, Repo>();
  private faults: Array<{ match: RegExp; fault: Fault; times: number }> = [];
  private nextId = 1000;
  /** Whom every token authenticates (the backend's bot user). */
  readonly authenticatedUser: FakeUser = {
    login: 'previews-bot',
    id: 9001,
    type: 'User',
  };
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();
  url = '';

  repo(fullName: string): Repo {
    let repo = this.repos.get(fullName);
    if (!repo) {
      const [owner, name] = fullName.split('/');
      repo = {
        owner,
        name,
        branches: [],
        pulls: new Map(),
        deployments: [],
        comments: [],
        checkRuns: [],
        files: new Map(),
      };
      this.repos.set(fullName, repo);
    }
    return repo;
  }

  /** A file of the repository at `ref` (a commit sha or branch name). */
  setFile(
    fullName: string,
    ref: string,
    path: string,
    content: string | Buffer,
  ) {
    this.repo(fullName).files.set(
      `${ref}:${path}`,
      Buffer.isBuffer(content) ? content : Buffer.from(content),
    );
  }

  addBranch(fullName: string, name: string, sha: string) {
    this.repo(fullName).branches.push({ name, sha });
  }

  addPull(
    fullName: string,
    pr: Omit<FakePullRequest, 'updated_at' | 'state' | 'labels'> &
      Partial<FakePullRequest>,
  ): FakePullRequest {
    const updated = pr.updated_at ?? tick();
    const full: FakePullRequest = {
      state: 'open',
      labels: [],
      updated_at: updated,
      created_at: updated,
      ...pr,
    };
    this.repo(fullName).pulls.set(full.number, full);
    return full;
  }

  /** Changes a pull request (its `updated_at` moves on). */
  updatePull(
    fullName: string,
    number: number,
    changes: Partial<FakePullRequest>,
  ): FakePullRequest {
    const pr = this.repo(fullName).pulls.get(number)!;
    Object.assign(pr, changes, { updated_at: tick() });
    return pr;
  }

  /** The REST shape of a pull request (as in webhook payloads too). */
  pullJson(fullName: string, pr: FakePullRequest) {
    return rest.pullRequestJson(this.url, fullName, pr);
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
    return this.repo(fullName).comments.filter(
      c => issue === undefined || c.issue === issue,
    );
  }

  /** Posts a comment as someone else (another user, or a GitHub App's bot). */
  addComment(
    fullName: string,
    issue: number,
    body: string,
    user: FakeUser,
    app: FakeApp | null = null,
  ) {
    const now = new Date().toISOString();
    const c: FakeComment = {
      id: this.nextId++,
      issue,
      body,
      user,
      performed_via_github_app: app,
      created_at: now,
      updated_at: now,
    };
    this.repo(fullName).comments.push(c);
    return c;
  }

  /** The REST shape of an issue comment (`issue-comment`), posted here or not. */
  commentJson(fullName: string, c: FakeComment) {
    const association =
      c.author_association ??
      (c.user.login === this.authenticatedUser.login ? 'MEMBER' : 'NONE');
    return rest.commentJson(this.url, fullName, c, association);
  }

  /** The REST shape of a repository (as in webhook payloads' `repository`). */
  repoJson(fullName: string) {
    return rest.repoJson(this.url, fullName);
  }

  addCheckRun(fullName: string, run: FakeCheckRun): FakeCheckRun {
    const full = {
      ...run,
      id: run.id ?? this.nextId++,
      repoFullName: fullName,
    };
    full.html_url ??= `https://github.test/${fullName}/runs/${full.id}`;
    this.repo(fullName).checkRuns.push(full);
    return full;
  }

  /** Completes a check run (e.g. `success`, `failure`). */
  completeCheckRun(
    fullName: string,
    sha: string,
    name: string,
    conclusion: string,
  ): FakeCheckRun {
    const run = this.repo(fullName).checkRuns.find(
      r => r.sha === sha && r.name === name,
    )!;
    Object.assign(run, { status: 'completed', conclusion });
    return run;
  }

  /** The REST shape of a check run added with `addCheckRun` (as in `check_run` webhook payloads too). */
  checkRunJson(run: FakeCheckRun) {
    return rest.checkRunJson(this.url, run.repoFullName!, {
      ...run,
      id: run.id!,
    });
  }

  /** The endpoints this fake serves: method and GitHub's path template. */
  get endpoints(): Array<{ method: string; path: string }> {
    return this.routes.map(({ method, path }) => ({ method, path }));
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
      const send = (
        status: number,
        data: unknown,
        headers: Record<string, string> = {},
      ) => {
        const bytes = Buffer.isBuffer(data);
        res.writeHead(status, {
          'content-type': JSON_TYPE,
          'x-ratelimit-remaining': '4999',
          ...headers,
        });
        res.end(bytes ? data : JSON.stringify(data));
      };
      const fault = this.faults.find(
        f => f.times > 0 && f.match.test(`${method} ${url.pathname}`),
      );
      if (fault) {
        fault.times--;
        const f = fault.fault;
        if (f.kind === 'hang') {
          this.hanging.add(res);
          return;
        }
        if (f.kind === 'status')
          return send(f.status, { message: 'Server Error' });
        const reset =
          Math.floor(Date.now() / 1000) + (f.resetInSeconds ?? 3600);
        return send(
          403,
          { message: 'API rate limit exceeded' },
          {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(reset),
            ...(f.retryAfter !== undefined
              ? { 'retry-after': String(f.retryAfter) }
              : {}),
          },
        );
      }
      try {
        const [status, data, type] = this.route(
          method,
          url,
          body,
          String(req.headers.accept ?? ''),
        );
        send(status, data, type ? { 'content-type': type } : {});
      } catch (e) {
        send(500, { message: String(e) });
      }
    });
  }

  /** The answer of the first route whose method and path template match. */
  private route(method: string, url: URL, body: any, accept: string): Answer {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const names: string[] = [];
      // `{path}` spans slashes (a file's path); every other parameter is one segment.
      const pattern = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return name === 'path' ? '(.+)' : '([^/]+)';
      });
      const m = new RegExp(`^${pattern}$`).exec(url.pathname);
      if (!m) continue;
      const params = Object.fromEntries(
        names.map((name, i) => [name, decodeURIComponent(m[i + 1])]),
      );
      const fullName = `${params.owner}/${params.repo}`;
      const repoOf = () => this.repo(fullName);
      // The repository is made on first use only: `/user` names none.
      return route.answer({
        params,
        fullName,
        url,
        body,
        accept,
        get repo() {
          return repoOf();
        },
      });
    }
    return [404, { message: `Not Found: ${method} ${url.pathname}` }];
  }

  /** `page` and `per_page` of a list. */
  private paged<T>(url: URL, items: T[]): T[] {
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    return items.slice((page - 1) * perPage, page * perPage);
  }

  private readonly routes: Route[] = [
    // Every token of this fake is the same user's (a personal access token).
    {
      method: 'GET',
      path: '/user',
      answer: () => [
        200,
        rest.privateUserJson(this.url, this.authenticatedUser),
      ],
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/branches',
      answer: ({ url, repo, fullName }) => [
        200,
        this.paged(
          url,
          repo.branches.map(b => rest.branchJson(this.url, fullName, b)),
        ),
      ],
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/pulls',
      answer: ({ url, repo, fullName }) => {
        const state = url.searchParams.get('state') ?? 'open';
        const pulls = [...repo.pulls.values()]
          .filter(pr => state === 'all' || pr.state === state)
          .sort((a, b) => b.number - a.number);
        return [
          200,
          this.paged(
            url,
            pulls.map(pr => this.pullJson(fullName, pr)),
          ),
        ];
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}',
      answer: ({ params, repo, fullName }) => {
        const pr = repo.pulls.get(Number(params.pull_number));
        return pr ? [200, this.pullJson(fullName, pr)] : notFound;
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
      answer: ({ params, repo, fullName, url }) => {
        const pr = repo.pulls.get(Number(params.pull_number));
        if (!pr) return notFound;
        return [
          200,
          this.paged(
            url,
            (pr.files ?? []).map(f =>
              rest.diffEntryJson(this.url, fullName, pr.head.sha, f),
            ),
          ),
        ];
      },
    },
    {
      // With the raw media type (as Backstage's GitHub UrlReader asks) the
      // bytes, else `content-file` with base64 content; 404 when the file is
      // not there at that ref.
      method: 'GET',
      path: '/repos/{owner}/{repo}/contents/{path}',
      answer: ({ params, repo, fullName, url, accept }) => {
        const ref =
          url.searchParams.get('ref') ?? repo.branches[0]?.name ?? 'main';
        const file = repo.files.get(`${ref}:${params.path}`);
        if (!file)
          return [
            404,
            {
              message: 'Not Found',
              documentation_url:
                'https://docs.github.com/rest/repos/contents#get-repository-content',
            },
          ];
        if (
          accept.includes('application/vnd.github.v3.raw') ||
          accept.includes('application/vnd.github.raw')
        ) {
          return [200, file, 'text/plain; charset=utf-8'];
        }
        return [
          200,
          rest.contentFileJson(this.url, fullName, ref, params.path, file),
        ];
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/deployments',
      answer: ({ body, repo, fullName }) => {
        const ref = String(body.ref);
        const d: FakeDeployment = {
          id: this.nextId++,
          ref,
          sha: /^[0-9a-f]{40}$/.test(ref)
            ? ref
            : repo.branches.find(b => b.name === ref)?.sha ?? rest.shaOf(ref),
          task: body.task ?? 'deploy',
          description: body.description ?? null,
          environment: body.environment,
          transient_environment: body.transient_environment,
          production_environment: body.production_environment,
          auto_merge: body.auto_merge,
          required_contexts: body.required_contexts,
          created_at: new Date().toISOString(),
          statuses: [],
        };
        repo.deployments.push(d);
        return [
          201,
          rest.deploymentJson(
            this.url,
            fullName,
            d,
            rest.userJson(this.url, this.authenticatedUser),
          ),
        ];
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      answer: ({ params, body, repo, fullName }) => {
        const d = repo.deployments.find(
          x => x.id === Number(params.deployment_id),
        );
        if (!d) return notFound;
        const s = {
          id: this.nextId++,
          state: body.state,
          environment_url: body.environment_url,
          description: body.description,
          log_url: body.log_url ?? body.target_url,
          created_at: new Date().toISOString(),
        };
        d.statuses.push(s);
        return [
          201,
          rest.deploymentStatusJson(
            this.url,
            fullName,
            d,
            s,
            rest.userJson(this.url, this.authenticatedUser),
          ),
        ];
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      answer: ({ params, repo, fullName, url }) => {
        const issue = Number(params.issue_number);
        return [
          200,
          this.paged(
            url,
            repo.comments
              .filter(c => c.issue === issue)
              .map(c => this.commentJson(fullName, c)),
          ),
        ];
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      answer: ({ params, body, repo, fullName }) => {
        const now = new Date().toISOString();
        const c: FakeComment = {
          id: this.nextId++,
          issue: Number(params.issue_number),
          body: String(body.body),
          user: { ...this.authenticatedUser },
          performed_via_github_app: null,
          created_at: now,
          updated_at: now,
        };
        repo.comments.push(c);
        return [201, this.commentJson(fullName, c)];
      },
    },
    {
      method: 'PATCH',
      path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      answer: ({ params, body, repo, fullName }) => {
        const c = repo.comments.find(x => x.id === Number(params.comment_id));
        if (!c) return notFound;
        c.body = String(body.body);
        c.updated_at = new Date().toISOString();
        return [200, this.commentJson(fullName, c)];
      },
    },
    {
      method: 'DELETE',
      path: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
      answer: ({ params, repo, fullName }) => {
        const pr = repo.pulls.get(Number(params.issue_number));
        if (!pr || !pr.labels.includes(params.name))
          return [404, { message: 'Label does not exist' }];
        pr.labels = pr.labels.filter(l => l !== params.name);
        pr.updated_at = tick();
        return [
          200,
          pr.labels.map((l, i) =>
            rest.labelJson(`${this.url}/repos/${fullName}`, l, i + 1),
          ),
        ];
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
      answer: ({ params, repo, url }) => {
        const name = url.searchParams.get('check_name');
        const runs = repo.checkRuns
          .filter(r => r.sha === params.ref && (!name || r.name === name))
          .map(r => this.checkRunJson(r));
        return [200, { total_count: runs.length, check_runs: runs }];
      },
    },
    {
      // As a GitHub App creates one (a personal token would get 403 from GitHub: the fake does not tell).
      method: 'POST',
      path: '/repos/{owner}/{repo}/check-runs',
      answer: ({ fullName, body }) => {
        if (!body?.name || !body?.head_sha)
          return [
            422,
            { message: 'Invalid request: name and head_sha are required' },
          ];
        const run = this.addCheckRun(fullName, {
          sha: body.head_sha,
          ...checkRunFields(body),
        });
        return [201, this.checkRunJson(run)];
      },
    },
    {
      method: 'PATCH',
      path: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      answer: ({ params, repo, body }) => {
        const run = repo.checkRuns.find(
          r => r.id === Number(params.check_run_id),
        );
        if (!run) return notFound;
        Object.assign(
          run,
          checkRunFields({
            ...run,
            ...body,
            output: body?.output ?? run.output,
          }),
        );
        return [200, this.checkRunJson(run)];
      },
    },
  ];
}

/** What a create or update of a check run sets: a conclusion completes it. */
function checkRunFields(body: any): Omit<FakeCheckRun, 'sha'> {
  const completed = body.status === 'completed' || body.conclusion != null;
  return {
    name: body.name,
    status: completed ? 'completed' : body.status ?? 'queued',
    conclusion: completed ? body.conclusion ?? null : null,
    ...(body.external_id !== undefined
      ? { external_id: body.external_id }
      : {}),
    ...(body.details_url !== undefined
      ? { details_url: body.details_url }
      : {}),
    ...(body.started_at !== undefined ? { started_at: body.started_at } : {}),
    ...(body.completed_at !== undefined
      ? { completed_at: body.completed_at }
      : {}),
    ...(body.output
      ? { output: { title: body.output.title, summary: body.output.summary } }
      : {}),
  };
}
