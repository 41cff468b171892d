import request from 'supertest';
import { Knex } from 'knex';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { Entity } from '@backstage/catalog-model';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { FakeGitHub, tick } from '@backstage-previews/test/github/fakeGitHub';
import { pullRequestEvent } from '@backstage-previews/test/github/webhookPayloads';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { STICKY_MARKER, sectionKeys } from '../scm/github/stickyComment';
import {
  previewComponent,
  recordingSchedulerFactory,
  waitFor,
} from '../testUtils';

// GitHub-driven previews on the real test cluster, with a loopback fake of
// the GitHub REST API and webhooks published through the events service the
// plugin subscribes to.

jest.setTimeout(120_000);

const run = Date.now().toString(36);
const REPO = 'acme/shop';
const sha = (c: string) => c.repeat(40).slice(0, 40);

function component(name: string, slug: string): Entity {
  return previewComponent(name, {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [{ name: 'web', image: 'registry.local/demo:1', port: 80 }],
    }),
    'github.com/project-slug': slug,
  });
}

const entities = [component('gh-web', REPO), component('gh-api', REPO)];

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

describe('GitHub-driven previews', () => {
  const github = new FakeGitHub();
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
  });
  const tasks = new Map<
    string,
    SchedulerServiceTaskInvocationDefinition['fn']
  >();
  let reconciler: NodeJS.Timeout | undefined;
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let delivery = 0;

  // Records scheduled tasks so the test runs them when it wants.
  const schedulerFactory = recordingSchedulerFactory(tasks);

  beforeAll(async () => {
    await github.start();
    knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        schedulerFactory,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events.forPlugin('previews'),
        }),
        catalogServiceMock.factory({ entities }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [
                { host: 'github.test', apiBaseUrl: github.url, token: 't' },
              ],
            },
            previews: {
              baseDomain: 'previews.test',
              urlScheme: 'http',
              orphanSweep: { enabled: false },
              kubernetes: { kubeconfig: testKubeconfigPath() },
              github: {
                host: 'github.test',
                label: 'preview',
                baseBranches: ['main'],
                paths: ['services/**', 'package.json'],
                requestTimeoutSeconds: 1,
              },
            },
          },
        }),
      ],
    });
    reconciler = setInterval(
      () => void tasks.get('previews-reconcile')?.({} as any),
      1000,
    );
  });

  afterAll(async () => {
    if (reconciler) clearInterval(reconciler);
    await backend?.stop();
    await github.stop();
  });

  const api = () => request(backend.server);
  const getPreview = async (id: string): Promise<Preview> =>
    (await api().get(`/api/previews/previews/${id}`)).body;
  const previewsOf = async (entity: string): Promise<Preview[]> =>
    (
      await api()
        .get('/api/previews/previews')
        .query({ entityRef: `component:default/${entity}` })
    ).body.items;
  const prPreviews = async (n: number) =>
    [...(await previewsOf('gh-web')), ...(await previewsOf('gh-api'))].filter(
      p => p.pullRequest?.number === n,
    );
  const waitForStatus = (id: string, status: string) =>
    waitFor(`preview ${id} to be ${status}`, async () => {
      const p = await getPreview(id);
      return p.status === status ? p : undefined;
    });
  const send = (
    action: string,
    n: number,
    options: { label?: string } = {},
    deliveryId = `d-${run}-${++delivery}`,
  ) => {
    const pr = github.repo(REPO).pulls.get(n)!;
    return events.publish({
      topic: 'github.pull_request',
      eventPayload: pullRequestEvent(
        action,
        github.pullJson(REPO, pr),
        options,
      ),
      metadata: {
        'x-github-event': 'pull_request',
        'x-github-delivery': deliveryId,
      },
    });
  };
  const openPr = (
    n: number,
    branch: string,
    changes: Record<string, unknown> = {},
  ) =>
    github.addPull(REPO, {
      number: n,
      title: `Change ${n}`,
      head: { ref: branch, sha: sha(String(n % 10)) },
      base: { ref: 'main' },
      files: ['services/web/index.ts'],
      ...changes,
    });
  const label = async (n: number) => {
    const pr = github.updatePull(REPO, n, {
      labels: [...github.repo(REPO).pulls.get(n)!.labels, 'preview'],
    });
    await send('labeled', n, { label: 'preview' });
    return pr;
  };

  it('lists branches and open pull requests, paginated, searchable and cached', async () => {
    for (let i = 0; i < 40; i++)
      github.addBranch(REPO, `branch-${String(i).padStart(2, '0')}`, sha('c'));
    openPr(901, 'feature/search-box', {
      title: 'Search box',
      user: { login: 'alice', avatar_url: 'https://avatars.test/a' },
      draft: true,
      labels: ['ui'],
    });
    const first = await api()
      .get('/api/previews/branches')
      .query({ entityRef: 'component:default/gh-web' });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(30);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.items[0]).toMatchObject({
      kind: 'pullRequest',
      number: 901,
      title: 'Search box',
      branch: 'feature/search-box',
      sha: sha('1'),
      draft: true,
      labels: ['ui'],
      author: { login: 'alice', avatarUrl: 'https://avatars.test/a' },
    });
    const second = await api()
      .get('/api/previews/branches')
      .query({ entityRef: 'component:default/gh-web', page: 2 });
    expect(second.body.items).toHaveLength(11);
    expect(second.body.hasMore).toBe(false);
    const calls = github.requests.length;
    const search = await api()
      .get('/api/previews/branches')
      .query({ entityRef: 'component:default/gh-web', q: 'search' });
    expect(search.body.items.map((i: any) => i.number ?? i.branch)).toEqual([
      901,
    ]);
    const byNumber = await api()
      .get('/api/previews/branches')
      .query({ entityRef: 'component:default/gh-web', q: '#901' });
    expect(byNumber.body.items).toHaveLength(1);
    const branch = await api()
      .get('/api/previews/branches')
      .query({ entityRef: 'component:default/gh-web', q: 'branch-3' });
    expect(branch.body.items.map((i: any) => i.branch)).toEqual(
      Array.from({ length: 10 }, (_, i) => `branch-3${i}`),
    );
    expect(github.requests.length).toBe(calls); // answered from the cache
    github.repo(REPO).pulls.delete(901);
  });

  it('creates a preview of a pull request from the portal with its head branch and sha', async () => {
    openPr(902, `portal-${run}`);
    const res = await api()
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/gh-web', pullRequest: 902 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      branch: `portal-${run}`,
      sha: sha('2'),
      pullRequest: { number: 902, title: 'Change 902' },
      trigger: 'portal',
    });
    await waitForStatus(res.body.id, 'ready');
    await api().delete(`/api/previews/previews/${res.body.id}`);
    await waitForStatus(res.body.id, 'destroyed');
  });

  it('labeled creates one preview per component, reports Deployments and one sticky comment; duplicates change nothing', async () => {
    openPr(1, `feat-${run}-one`);
    await label(1);
    const created = await prPreviews(1);
    expect(created.map(p => p.entityRef).sort()).toEqual([
      'component:default/gh-api',
      'component:default/gh-web',
    ]);
    expect(
      created.every(p => p.trigger === 'label' && p.sha === sha('1')),
    ).toBe(true);
    await Promise.all(created.map(p => waitForStatus(p.id, 'ready')));

    // the same delivery again, and the label added twice
    await send('labeled', 1, { label: 'preview' }, `d-${run}-dup`);
    await send('labeled', 1, { label: 'preview' }, `d-${run}-dup`);
    await send('labeled', 1, { label: 'preview' });
    expect((await prPreviews(1)).length).toBe(2);

    const deployments = await waitFor('two successful deployments', () => {
      const ds = github
        .deployments(REPO)
        .filter(d => /pr-1$/.test(d.environment));
      return ds.length === 2 &&
        ds.every(d => d.statuses.some(s => s.state === 'success'))
        ? ds
        : undefined;
    });
    const web = deployments.find(d => d.environment === 'preview/gh-web/pr-1')!;
    expect(web).toMatchObject({
      transient_environment: true,
      production_environment: false,
      auto_merge: false,
      required_contexts: [],
      ref: sha('1'),
    });
    expect(web.statuses[0].state).toBe('in_progress');
    expect(
      web.statuses.find(s => s.state === 'success')?.environment_url,
    ).toMatch(/^http:\/\/.+\.previews\.test$/);

    const comment = await waitFor(
      'a sticky comment with both sections reporting ready',
      () => {
        const cs = github.comments(REPO, 1);
        return cs.length === 1 &&
          (cs[0].body.match(/\*\*ready\*\*/g) ?? []).length === 2
          ? cs[0]
          : undefined;
      },
    );
    expect(comment.body).toContain(STICKY_MARKER);
    expect(sectionKeys(comment.body).sort()).toEqual([
      'component:default/gh-api',
      'component:default/gh-web',
    ]);
    const edits = github.requests.filter(
      r => r.method === 'PATCH' && r.path.includes('/issues/comments/'),
    );
    expect(edits.length).toBeGreaterThan(0);
    expect(
      github.requests.filter(
        r => r.method === 'POST' && r.path.endsWith('/issues/1/comments'),
      ),
    ).toHaveLength(1);
  });

  it('never edits a comment someone else wrote with the sticky marker: it posts its own', async () => {
    openPr(7, `feat-${run}-seven`);
    const forged = `${STICKY_MARKER}\n## Previews\n| shop | **ready** | https://evil.example |`;
    const mallory = github.addComment(REPO, 7, forged, {
      login: 'mallory',
      id: 666,
      type: 'User',
    });
    await label(7);
    const created = await prPreviews(7);
    await Promise.all(created.map(p => waitForStatus(p.id, 'ready')));
    const own = await waitFor(
      "the bot's own sticky comment reporting both ready",
      () => {
        const cs = github
          .comments(REPO, 7)
          .filter(c => c.user.login === github.authenticatedUser.login);
        return cs.length === 1 &&
          (cs[0].body.match(/\*\*ready\*\*/g) ?? []).length === 2
          ? cs[0]
          : undefined;
      },
    );
    expect(sectionKeys(own.body).sort()).toEqual([
      'component:default/gh-api',
      'component:default/gh-web',
    ]);
    // the forged one is as mallory wrote it, and was never written to
    expect(github.comments(REPO, 7).find(c => c.id === mallory.id)?.body).toBe(
      forged,
    );
    expect(
      github.requests.filter(
        r =>
          r.method === 'PATCH' &&
          r.path.endsWith(`/issues/comments/${mallory.id}`),
      ),
    ).toEqual([]);
    for (const p of created)
      await api().delete(`/api/previews/previews/${p.id}`);
    for (const p of created) await waitForStatus(p.id, 'destroyed');
  });

  it('synchronize redeploys at the new sha; an older synchronize delivered late does not roll back', async () => {
    const older = github.pullJson(REPO, github.repo(REPO).pulls.get(1)!);
    github.updatePull(REPO, 1, {
      head: { ref: `feat-${run}-one`, sha: sha('e') },
    });
    await send('synchronize', 1);
    const [a, b] = await prPreviews(1);
    expect(a.sha).toBe(sha('e'));
    expect(b.sha).toBe(sha('e'));
    await Promise.all([a, b].map(p => waitForStatus(p.id, 'ready')));

    await events.publish({
      topic: 'github.pull_request',
      eventPayload: pullRequestEvent('synchronize', {
        ...older,
        head: { ...older.head, sha: sha('d') },
      }),
      metadata: { 'x-github-delivery': `d-${run}-late` },
    });
    expect((await prPreviews(1)).map(p => p.sha)).toEqual([sha('e'), sha('e')]);
  });

  it('skips drafts, forks, other base branches and pull requests that change no configured path', async () => {
    openPr(2, `draft-${run}`, { draft: true });
    openPr(3, `fork-${run}`, {
      head: { ref: `fork-${run}`, sha: sha('3'), repoFullName: 'someone/shop' },
    });
    openPr(4, `release-${run}`, { base: { ref: 'release' } });
    openPr(5, `docs-${run}`, { files: ['docs/readme.md'] });
    for (const n of [2, 3, 4, 5]) await label(n);
    for (const n of [2, 3, 4, 5]) expect(await prPreviews(n)).toEqual([]);
  });

  it('errors, timeouts and rate limits while polling destroy nothing; a state GitHub confirms does', async () => {
    // The PR is closed at GitHub but the webhook was missed.
    github.updatePull(REPO, 1, { state: 'closed', merged: true });
    const live = await prPreviews(1);
    expect(live).toHaveLength(2);

    github.inject(
      /GET \/repos\/acme\/shop\/pulls\/1$/,
      { kind: 'status', status: 500 },
      1,
    );
    await tasks.get('previews-github-poll')!({} as any);
    github.inject(/GET \/repos\/acme\/shop\/pulls\/1$/, { kind: 'hang' }, 1);
    await tasks.get('previews-github-poll')!({} as any);
    github.inject(
      /GET \/repos\/acme\/shop\/pulls\/1$/,
      { kind: 'rateLimit', resetInSeconds: 3 },
      1,
    );
    await tasks.get('previews-github-poll')!({} as any);
    const before = github.requests.length;
    await tasks.get('previews-github-poll')!({} as any); // still limited: no request at all
    expect(github.requests.length).toBe(before);
    for (const p of await prPreviews(1))
      expect(['ready', 'provisioning']).toContain(p.status);

    await new Promise(r => setTimeout(r, 3500));
    await tasks.get('previews-github-poll')!({} as any);
    for (const p of live) await waitForStatus(p.id, 'destroyed');
    await waitFor(
      'deployments inactive',
      () =>
        github
          .deployments(REPO)
          .filter(d => /pr-1$/.test(d.environment))
          .every(d => d.statuses.at(-1)?.state === 'inactive') || undefined,
    );
  });

  it('closed destroys the previews and marks the deployment inactive; a late labeled does not resurrect', async () => {
    openPr(6, `feat-${run}-six`);
    const labelled = github.pullJson(REPO, await label(6));
    const six = await prPreviews(6);
    expect(six).toHaveLength(2);
    github.updatePull(REPO, 6, { state: 'closed' });
    await send('closed', 6);
    for (const p of six) await waitForStatus(p.id, 'destroyed');
    await waitFor(
      'deployment inactive',
      () =>
        github
          .deployments(REPO)
          .filter(d => /pr-6$/.test(d.environment))
          .every(d => d.statuses.at(-1)?.state === 'inactive') || undefined,
    );
    // the labeled delivery arrives again, late
    await events.publish({
      topic: 'github.pull_request',
      eventPayload: pullRequestEvent('labeled', labelled, { label: 'preview' }),
      metadata: { 'x-github-delivery': `d-${run}-late-label` },
    });
    expect(await prPreviews(6)).toEqual([]);
    const comment = github.comments(REPO, 6);
    expect(comment).toHaveLength(1);
    expect(tick()).toBeDefined();
  });
});
