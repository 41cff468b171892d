import { Octokit } from '@octokit/rest';
import { FakeGitHub } from '../github/fakeGitHub';
import {
  GitHubRestDescription,
  loadGitHubRestDescription,
} from '../github/githubRestDescription';
import { loadWebhookExamples, pathSegments } from '../github/webhookExamples';
import {
  checkRunEvent,
  issueCommentEvent,
  pullRequestEvent,
} from '../github/webhookPayloads';
import { checkRunReport } from '../../plugins/previews-backend/src/scm/github/checkRuns';

// The GitHub stand-in stays faithful to GitHub: every endpoint the fake
// GitHub serves is one GitHub has, each of its answers (called as the backend
// calls them, through @octokit/rest) has the shape GitHub's OpenAPI
// description gives that operation, and the webhook payloads the tests
// deliver (webhookPayloads.ts) are like GitHub's example deliveries. No
// cluster: the fake and the descriptions only.

jest.setTimeout(120_000);

const REPO = 'acme/shop';
const [OWNER, NAME] = REPO.split('/');
const sha = (c: string) => c.repeat(40).slice(0, 40);

/** One answer the fake gave, and what GitHub's description finds wrong with it. */
interface Checked {
  method: string;
  path: string;
  status: number;
  problems: string[];
}

describe('the fake GitHub, against GitHub’s OpenAPI description', () => {
  const github = new FakeGitHub();
  const checked: Checked[] = [];
  let description: GitHubRestDescription;
  let octokit: Octokit;

  beforeAll(async () => {
    description = loadGitHubRestDescription();
    await github.start();
    github.addBranch(REPO, 'main', sha('a'));
    github.addBranch(REPO, 'feature/search', sha('b'));
    github.addPull(REPO, {
      number: 1,
      title: 'Search box',
      head: { ref: 'feature/search', sha: sha('b') },
      base: { ref: 'main' },
      labels: ['preview', 'ui'],
      user: { login: 'alice', avatar_url: 'https://avatars.test/alice' },
      draft: true,
      files: ['services/web/index.ts', 'docs/read me.md'],
    });
    github.addPull(REPO, {
      number: 2,
      title: 'From a fork',
      head: { ref: 'patch-1', sha: sha('c'), repoFullName: 'mallory/shop' },
      base: { ref: 'main' },
    });
    github.addPull(REPO, {
      number: 3,
      title: 'Merged',
      head: { ref: 'done', sha: sha('d') },
      base: { ref: 'main' },
      state: 'closed',
      merged: true,
    });
    github.setFile(
      REPO,
      sha('b'),
      '.backstage/preview.yaml',
      'workloads: []\n',
    );
    github.addComment(REPO, 1, 'LGTM', { login: 'bob', id: 77, type: 'User' });
    github.addComment(
      REPO,
      1,
      'from an app',
      { login: 'other-app', id: 78, type: 'Bot' },
      { id: 99, slug: 'other-app' },
    );
    github.addCheckRun(REPO, {
      sha: sha('b'),
      name: 'build-image',
      status: 'in_progress',
      conclusion: null,
    });
    github.addCheckRun(REPO, {
      sha: sha('b'),
      name: 'lint',
      status: 'completed',
      conclusion: 'success',
    });
    // As GitHubClientFactory builds it: the API base URL is the fake's.
    octokit = new Octokit({
      auth: 't',
      baseUrl: github.url,
      userAgent: 'backstage-previews',
    });
    octokit.hook.after('request', (response, options) => {
      const method = String(options.method);
      const path = String(options.url);
      if (
        !String(response.headers['content-type'] ?? '').startsWith(
          'application/json',
        )
      )
        return;
      checked.push({
        method,
        path,
        status: response.status,
        problems: description.responseProblems(
          method,
          path,
          response.status,
          response.data,
        ),
      });
    });
  });

  afterAll(() => github.stop());

  /** What the description finds wrong with the fake's answers to `call` (one entry per request). */
  async function problemsOf(call: () => Promise<unknown>) {
    const before = checked.length;
    await call();
    const answers = checked.slice(before);
    expect(answers.length).toBeGreaterThan(0);
    return answers.map(a => ({
      operation: `${a.method} ${a.path} ${a.status}`,
      problems: a.problems,
    }));
  }
  const noProblems = (answers: Array<{ operation: string }>) =>
    answers.map(a => ({ operation: a.operation, problems: [] }));
  const repo = { owner: OWNER, repo: NAME };

  it.each<[string, () => Promise<unknown>]>([
    ['the authenticated user', () => octokit.users.getAuthenticated()],
    [
      'branches',
      () => octokit.repos.listBranches({ ...repo, per_page: 100, page: 1 }),
    ],
    [
      'open pull requests',
      () =>
        octokit.pulls.list({ ...repo, state: 'open', per_page: 100, page: 1 }),
    ],
    ['all pull requests', () => octokit.pulls.list({ ...repo, state: 'all' })],
    [
      'a labelled draft pull request',
      () => octokit.pulls.get({ ...repo, pull_number: 1 }),
    ],
    [
      'a pull request from a fork',
      () => octokit.pulls.get({ ...repo, pull_number: 2 }),
    ],
    [
      'a merged pull request',
      () => octokit.pulls.get({ ...repo, pull_number: 3 }),
    ],
    [
      'the files of a pull request',
      () =>
        octokit.pulls.listFiles({
          ...repo,
          pull_number: 1,
          per_page: 100,
          page: 1,
        }),
    ],
    [
      'a file at a commit',
      () =>
        octokit.repos.getContent({
          ...repo,
          path: '.backstage/preview.yaml',
          ref: sha('b'),
        }),
    ],
    [
      'the comments of a pull request (a user, a GitHub App)',
      () =>
        octokit.issues.listComments({
          ...repo,
          issue_number: 1,
          per_page: 100,
          page: 1,
        }),
    ],
    [
      'the check runs of a commit',
      () =>
        octokit.checks.listForRef({
          ...repo,
          ref: sha('b'),
          check_name: 'build-image',
          filter: 'latest',
          per_page: 100,
        }),
    ],
    [
      'all check runs of a commit',
      () => octokit.checks.listForRef({ ...repo, ref: sha('b') }),
    ],
  ])('%s', async (_name, call) => {
    const answers = await problemsOf(call);
    expect(answers).toEqual(noProblems(answers));
  });

  it('a deployment and its statuses, as deployments.ts reports them', async () => {
    const answers = await problemsOf(async () => {
      const created = await octokit.repos.createDeployment({
        ...repo,
        ref: sha('b'),
        environment: 'preview/gh-web/pr-1',
        transient_environment: true,
        production_environment: false,
        auto_merge: false,
        required_contexts: [],
        description: 'Backstage preview gh-web-pr-1',
      });
      const deployment_id = (created.data as { id: number }).id;
      const log_url =
        'https://portal.test/catalog/default/component/gh-web/previews';
      await octokit.repos.createDeploymentStatus({
        ...repo,
        deployment_id,
        state: 'in_progress',
        description: 'provisioning',
        log_url,
        auto_inactive: false,
      });
      await octokit.repos.createDeploymentStatus({
        ...repo,
        deployment_id,
        state: 'success',
        description: 'ready',
        environment_url: 'http://gh-web-pr-1.previews.test',
        log_url,
        auto_inactive: false,
      });
    });
    expect(answers).toHaveLength(3);
    expect(answers).toEqual(noProblems(answers));
  });

  it('the sticky comment posted and edited, a label removed', async () => {
    const answers = await problemsOf(async () => {
      const posted = await octokit.issues.createComment({
        ...repo,
        issue_number: 1,
        body: '<!-- backstage-previews -->\n## Previews',
      });
      await octokit.issues.updateComment({
        ...repo,
        comment_id: posted.data.id,
        body: '<!-- backstage-previews -->\n## Previews\nready',
      });
      await octokit.issues.removeLabel({
        ...repo,
        issue_number: 1,
        name: 'preview',
      });
    });
    expect(answers).toHaveLength(3);
    expect(answers).toEqual(noProblems(answers));
  });

  it('a smoke test check run created, found by its external id and completed, as checkRuns.ts reports it', async () => {
    const preview = {
      id: 'p-1',
      name: 'gh-web-pr-1',
      entityRef: 'component:default/gh-web',
      sha: sha('b'),
    } as any;
    const portal =
      'https://portal.test/catalog/default/component/gh-web/previews';
    const base = {
      run: 2,
      trigger: 'redeploy' as const,
      startedAt: '2026-12-04T10:00:00.000Z',
    };
    const started = checkRunReport(
      preview,
      {
        ...base,
        status: 'running',
        results: [{ name: 'e2e', status: 'running' }],
      },
      portal,
    )!;
    const ended = checkRunReport(
      preview,
      {
        ...base,
        status: 'failed',
        finishedAt: '2026-12-04T10:01:00.000Z',
        results: [
          { name: 'e2e', status: 'failed', message: 'exited with code 3' },
        ],
      },
      portal,
    )!;
    const { head_sha: _sha, ...update } = ended;
    // The request bodies too: what GitHub takes.
    expect(
      description.requestProblems(
        'POST',
        '/repos/{owner}/{repo}/check-runs',
        started,
      ),
    ).toEqual([]);
    expect(
      description.requestProblems(
        'PATCH',
        '/repos/{owner}/{repo}/check-runs/{check_run_id}',
        update,
      ),
    ).toEqual([]);
    expect(
      description.requestProblems('POST', '/repos/{owner}/{repo}/check-runs', {
        ...started,
        conclusion: 'passed',
      }),
    ).not.toEqual([]);
    let found: any;
    const answers = await problemsOf(async () => {
      await octokit.checks.create({ ...repo, ...started });
      const listed = await octokit.checks.listForRef({
        ...repo,
        ref: sha('b'),
        check_name: 'preview/gh-web',
        filter: 'all',
        per_page: 100,
      });
      found = listed.data.check_runs.find(r => r.external_id === 'p-1/2');
      await octokit.checks.update({
        ...repo,
        check_run_id: found.id,
        ...update,
      });
    });
    expect(answers).toHaveLength(3);
    expect(answers).toEqual(noProblems(answers));
    expect(found).toMatchObject({
      name: 'preview/gh-web',
      status: 'in_progress',
      details_url: portal,
    });
    expect(
      github.repo(REPO).checkRuns.find(r => r.external_id === 'p-1/2'),
    ).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: {
        title: '0 of 1 smoke tests passed',
        summary: expect.stringContaining('exited with code 3'),
      },
    });
  });

  it('a file read raw (as Backstage’s UrlReader reads it) is its bytes', async () => {
    const raw = await octokit.repos.getContent({
      ...repo,
      path: '.backstage/preview.yaml',
      ref: sha('b'),
      mediaType: { format: 'raw' },
    });
    expect(raw.data).toBe('workloads: []\n');
  });

  it('serves only operations GitHub has, and every one of them was checked above', () => {
    const served = github.endpoints.map(e => `${e.method} ${e.path}`);
    expect(
      served.filter(
        e => !description.hasOperation(e.split(' ')[0], e.split(' ')[1]),
      ),
    ).toEqual([]);
    const answered = new Set(checked.map(c => `${c.method} ${c.path}`));
    expect(served.filter(e => !answered.has(e))).toEqual([]);
  });

  it('the checks catch a missing property, a wrong type, an unknown operation', async () => {
    const { data } = await octokit.pulls.get({ ...repo, pull_number: 1 });
    const path = '/repos/{owner}/{repo}/pulls/{pull_number}';
    const { merged: _merged, ...withoutMerged } = data;
    expect(
      description.responseProblems('GET', path, 200, withoutMerged),
    ).toEqual([
      expect.stringContaining("must have required property 'merged'"),
    ]);
    const numberAsText = {
      ...data,
      head: {
        ...data.head,
        repo: { ...data.head.repo!, id: String(data.head.repo!.id) },
      },
    };
    expect(
      description.responseProblems('GET', path, 200, numberAsText),
    ).toEqual([expect.stringMatching(/^\/head\/repo\/id must be integer/)]);
    expect(
      description.hasOperation(
        'GET',
        '/repos/{owner}/{repo}/pull/{pull_number}',
      ),
    ).toBe(false);
    expect(description.hasOperation('GET', '/repos/{o}/{r}/pulls/{n}')).toBe(
      true,
    );
  });
});

describe('webhook payloads, against GitHub’s example deliveries', () => {
  const github = new FakeGitHub();
  const examples = loadWebhookExamples();
  let description: GitHubRestDescription;

  beforeAll(async () => {
    description = loadGitHubRestDescription();
    await github.start();
  });

  afterAll(() => github.stop());

  const problems = (event: string, payload: { action: string }) =>
    examples.payloadProblems(event, payload.action, payload, path =>
      description.webhookTypes(event, payload.action, path),
    );

  const open = () =>
    github.addPull(REPO, {
      number: 5,
      title: 'Change 5',
      head: { ref: 'feat-5', sha: sha('5') },
      base: { ref: 'main' },
      labels: ['preview'],
      user: { login: 'alice' },
      files: ['services/web/index.ts'],
    });

  it.each(['labeled', 'unlabeled', 'synchronize', 'opened', 'reopened'])(
    'pull_request %s',
    action => {
      const pull = github.pullJson(REPO, open());
      const payload = pullRequestEvent(action, pull, {
        ...(action.endsWith('labeled') ? { label: 'preview' } : {}),
        before: sha('4'),
      });
      expect(problems('pull_request', payload)).toEqual([]);
    },
  );

  it('pull_request closed, merged or not', () => {
    open();
    for (const merged of [true, false]) {
      const pull = github.pullJson(
        REPO,
        github.updatePull(REPO, 5, { state: 'closed', merged }),
      );
      expect(
        problems('pull_request', pullRequestEvent('closed', pull)),
      ).toEqual([]);
    }
  });

  it('check_run completed', () => {
    const run = github.addCheckRun(REPO, {
      sha: sha('5'),
      name: 'build-image',
      status: 'in_progress',
      conclusion: null,
    });
    github.completeCheckRun(REPO, sha('5'), 'build-image', 'success');
    expect(
      problems(
        'check_run',
        checkRunEvent(
          'completed',
          github.checkRunJson(run),
          github.repoJson(REPO),
        ),
      ),
    ).toEqual([]);
  });

  it.each(['created', 'edited'])('issue_comment %s', action => {
    const pull = github.pullJson(REPO, open());
    const comment = github.commentJson(
      REPO,
      github.addComment(REPO, 5, 'looks good', {
        login: 'bob',
        id: 77,
        type: 'User',
      }),
    );
    expect(
      problems('issue_comment', issueCommentEvent(action, pull, comment)),
    ).toEqual([]);
  });

  it('the check catches an invented key, a wrong type, a null where GitHub sends none', () => {
    const pull = github.pullJson(REPO, open());
    const payload = pullRequestEvent('labeled', pull, { label: 'preview' });
    expect(
      problems('pull_request', {
        ...payload,
        pull_request: { ...pull, approved: true },
      } as any),
    ).toEqual([
      expect.stringMatching(
        /^pull_request\.approved: GitHub's pull_request labeled deliveries have no such key/,
      ),
    ]);
    expect(
      problems('pull_request', {
        ...payload,
        number: String(payload.number),
      } as any),
    ).toEqual([
      expect.stringMatching(
        /^number: string, where GitHub's pull_request labeled deliveries have number/,
      ),
    ]);
    expect(
      problems('pull_request', {
        ...payload,
        pull_request: { ...pull, title: null },
      } as any),
    ).toEqual([expect.stringMatching(/^pull_request\.title: null, where/)]);
    expect(pathSegments('pull_request.labels[].name')).toEqual([
      'pull_request',
      'labels',
      '[]',
      'name',
    ]);
  });
});
