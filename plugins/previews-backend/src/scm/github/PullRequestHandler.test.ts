import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { EventParams } from '@backstage/plugin-events-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { LIVE_PREVIEW_STATUSES } from '@backstage-previews/plugin-previews-common';
import { DatabasePreviewsStore } from '../../database/DatabasePreviewsStore';
import type { PreviewService } from '../../service/PreviewService';
import type { CreatePreviewRequest } from '../../types';
import { previewComponent } from '../../testUtils';
import { GitHubClientFactory } from './GitHubClientFactory';
import { GitHubStore } from './GitHubStore';
import { PullRequestHandler } from './PullRequestHandler';
import { PullRequestPolicy } from './pullRequestEvents';

// Pull request events as GitHub delivers them (the shape of the webhook
// examples of `pull_request`) against the real stores (SQLite) and a fake
// PreviewService whose create records the preview, so later events find it.
// GitHub's REST API is a fake with the two reads the handler makes.

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const sha = (c: string) => c.repeat(40);

/** A repository as webhook payloads carry it (`repository`, `head.repo`, `base.repo`). */
function repository(fullName: string, id: number) {
  const [owner, name] = fullName.split('/');
  return {
    id,
    name,
    full_name: fullName,
    private: false,
    owner: { login: owner, id: id + 1, type: 'Organization' },
    html_url: `https://github.com/${fullName}`,
    fork: false,
    default_branch: 'main',
  };
}
const SHOP = repository('acme/shop', 1001);
const FORK = { ...repository('someone/shop', 2002), fork: true };
const UNKNOWN = repository('acme/unknown', 3003);

const label = (name: string, id = name.length) => ({
  id,
  name,
  color: 'ededed',
  default: false,
  description: null,
});

interface PullRequestFields {
  number?: number;
  state?: 'open' | 'closed';
  labels?: string[];
  headSha?: string;
  headRef?: string;
  headRepo?: ReturnType<typeof repository> | null;
  base?: ReturnType<typeof repository>;
  draft?: boolean;
  merged?: boolean;
  updatedAt?: string;
}

/** A `pull_request` object of a webhook payload. */
function pullRequest(f: PullRequestFields = {}) {
  const number = f.number ?? 7;
  const base = f.base ?? SHOP;
  const headRepo = f.headRepo === undefined ? base : f.headRepo;
  const headRef = f.headRef ?? 'feature-x';
  const closedAt =
    f.state === 'closed' ? f.updatedAt ?? '2026-05-01T10:00:00Z' : null;
  return {
    url: `https://api.github.com/repos/${base.full_name}/pulls/${number}`,
    id: 279_000_000 + number,
    html_url: `https://github.com/${base.full_name}/pull/${number}`,
    number,
    state: f.state ?? 'open',
    locked: false,
    title: 'Update the README with new information.',
    user: { login: 'octocat', id: 5346, type: 'User' },
    body: null,
    created_at: '2026-05-01T09:00:00Z',
    updated_at: f.updatedAt ?? '2026-05-01T10:00:00Z',
    closed_at: closedAt,
    merged_at: f.merged ? closedAt : null,
    labels: (f.labels ?? ['preview']).map(name => label(name)),
    head: {
      label: `${headRepo?.owner.login ?? 'someone'}:${headRef}`,
      ref: headRef,
      sha: f.headSha ?? sha('a'),
      user: { login: headRepo?.owner.login ?? 'someone', id: 1, type: 'User' },
      repo: headRepo,
    },
    base: {
      label: `${base.owner.login}:main`,
      ref: 'main',
      sha: sha('0'),
      user: { login: base.owner.login, id: 2, type: 'Organization' },
      repo: base,
    },
    draft: f.draft ?? false,
    merged: f.merged ?? false,
  };
}

let delivery = 0;
/** A `github.pull_request` event: one delivery of the webhook. */
function event(
  action: string,
  pr: ReturnType<typeof pullRequest>,
  extra: { label?: string; repo?: ReturnType<typeof repository> } = {},
): EventParams {
  return {
    topic: 'github.pull_request',
    eventPayload: {
      action,
      number: pr.number,
      pull_request: pr,
      ...(extra.label ? { label: label(extra.label) } : {}),
      repository: extra.repo ?? pr.base.repo,
      sender: { login: 'octocat', id: 5346, type: 'User' },
    },
    metadata: { 'x-github-delivery': `delivery-${++delivery}` },
  };
}

const component = (name: string, slug: string, enabled = true): Entity =>
  previewComponent(name, {
    'github.com/project-slug': slug,
    'backstage-previews.io/enabled': String(enabled),
  });

async function setup(
  policy: Partial<PullRequestPolicy> = {},
  options: { requiredCheck?: string } = {},
) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabasePreviewsStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const catalog = catalogServiceMock({
    entities: [
      component('shop-web', 'acme/shop'),
      component('shop-api', 'ACME/Shop'),
      component('shop-docs', 'acme/shop', false),
      component('billing', 'acme/billing'),
    ],
  });
  let count = 0;
  const service = {
    create: jest.fn(async (r: CreatePreviewRequest) => {
      count++;
      const name = `p${count}`;
      return store.insert({
        id: `00000000-0000-4000-8000-${String(count).padStart(12, '0')}`,
        entityRef: String(r.entityRef),
        branch: String(r.branch),
        engine: 'test',
        name,
        namespace: name,
        status: r.waitFor ? 'waiting-for-build' : 'provisioning',
        ...(r.waitFor ? { waitingFor: r.waitFor } : {}),
        sha: r.sha as string,
        pullRequest: r.pullRequest,
        repo: r.repo,
        repoHost: r.repoHost,
        trigger: r.trigger ?? 'portal',
      });
    }),
    redeploy: jest.fn(async (id: string, r: { sha?: unknown }) => {
      const p = (await store.get(id))!;
      return (await store.transition(id, [p.status], {
        status: 'provisioning',
        sha: r.sha as string,
      }))!;
    }),
    destroy: jest.fn(
      async (id: string) =>
        (await store.transition(id, LIVE_PREVIEW_STATUSES, {
          status: 'destroying',
        }))!,
    ),
    retargetBuildWait: jest.fn(async () => undefined),
    onBuildCheck: jest.fn(async () => undefined),
  };
  // The REST reads the handler makes: the changed files and the check runs of a commit.
  const octokit = {
    pulls: {
      listFiles: jest.fn(async () => ({
        data: [] as Array<{ filename: string; previous_filename?: string }>,
      })),
    },
    checks: {
      listForRef: jest.fn(async () => ({
        data: { total_count: 0, check_runs: [] as object[] },
      })),
    },
  };
  const clients = {
    defaultHost: 'github.com',
    forRepo: jest.fn(async () => octokit),
  } as unknown as GitHubClientFactory;
  const onRefused = jest.fn(async () => {});
  const handler = new PullRequestHandler({
    service: service as unknown as PreviewService,
    store,
    githubStore: new GitHubStore(knex),
    catalog,
    auth: mockServices.auth(),
    clients,
    policy: {
      label: 'preview',
      skipDrafts: true,
      skipForks: true,
      baseBranches: [],
      paths: [],
      ...policy,
    },
    logger: mockServices.logger.mock(),
    requiredCheck: options.requiredCheck,
    onRefused,
  });
  /** A preview a user created in the portal for the pull request (no label involved). */
  const portalPreview = (entityRef: string, number = 7, repo = 'acme/shop') =>
    service.create({
      entityRef,
      branch: `${repo.replace('/', '-')}-${number}`,
      sha: sha('a'),
      credentials: {} as any,
      pullRequest: { number },
      repo,
      repoHost: 'github.com',
      trigger: 'portal',
    });
  return { store, service, octokit, onRefused, handler, portalPreview };
}

describe('PullRequestHandler', () => {
  it('opened with the label: creates a preview of each enabled component of the repository, with the pull request', async () => {
    const { service, handler } = await setup();
    const pr = pullRequest();
    const outcome = await handler.onEvent(event('opened', pr));

    expect(service.create.mock.calls.map(([r]) => r.entityRef).sort()).toEqual([
      'component:default/shop-api',
      'component:default/shop-web',
    ]);
    expect(service.create).toHaveBeenCalledWith({
      entityRef: 'component:default/shop-web',
      branch: 'feature-x',
      sha: sha('a'),
      credentials: expect.anything(),
      pullRequest: { number: 7, title: pr.title, url: pr.html_url },
      repo: 'acme/shop',
      repoHost: 'github.com',
      trigger: 'label',
    });
    expect(outcome).toMatchObject({
      action: { type: 'create', sha: sha('a') },
      created: [expect.any(String), expect.any(String)],
    });
    expect(service.redeploy).not.toHaveBeenCalled();
    expect(service.destroy).not.toHaveBeenCalled();
  });

  it('opened without the label, or labelled with another label: nothing', async () => {
    const { service, handler } = await setup();
    expect(
      (await handler.onEvent(event('opened', pullRequest({ labels: ['bug'] }))))
        ?.action.type,
    ).toBe('ignore');
    expect(
      (
        await handler.onEvent(
          event('labeled', pullRequest({ labels: ['bug'] }), { label: 'bug' }),
        )
      )?.action.type,
    ).toBe('ignore');
    expect(service.create).not.toHaveBeenCalled();
  });

  it('labeled with the label: creates; a redelivery of the same event is skipped', async () => {
    const { service, handler } = await setup();
    const labelled = event(
      'labeled',
      pullRequest({ labels: ['bug', 'preview'] }),
      { label: 'preview' },
    );
    expect((await handler.onEvent(labelled))?.created).toHaveLength(2);
    expect(await handler.onEvent(labelled)).toBeUndefined();
    expect(service.create).toHaveBeenCalledTimes(2);
  });

  it("synchronize: redeploys the pull request's live previews at the new head, and only those", async () => {
    const { service, handler, portalPreview } = await setup();
    const created = (await handler.onEvent(event('opened', pullRequest())))!
      .created;
    const otherPr = await portalPreview('component:default/shop-web', 8);

    const pushed = pullRequest({
      headSha: sha('b'),
      updatedAt: '2026-05-01T11:00:00Z',
    });
    const outcome = await handler.onEvent(event('synchronize', pushed));

    expect(outcome?.redeployed.sort()).toEqual([...created].sort());
    expect(service.redeploy.mock.calls.map(([id]) => id).sort()).toEqual(
      [...created].sort(),
    );
    for (const [, request] of service.redeploy.mock.calls)
      expect(request).toEqual({
        sha: sha('b'),
        credentials: expect.anything(),
      });
    expect(service.redeploy).not.toHaveBeenCalledWith(
      otherPr.id,
      expect.anything(),
    );
    expect(service.create).toHaveBeenCalledTimes(3); // two by the label, one in the portal: none by the push

    // The same head delivered again redeploys nothing.
    await handler.onEvent(
      event(
        'synchronize',
        pullRequest({ headSha: sha('b'), updatedAt: '2026-05-01T11:00:01Z' }),
      ),
    );
    expect(service.redeploy).toHaveBeenCalledTimes(2);
  });

  it("closed: destroys only that pull request's live previews, the portal's too", async () => {
    const { store, service, handler, portalPreview } = await setup();
    const created = (await handler.onEvent(event('opened', pullRequest())))!
      .created;
    const fromPortal = await portalPreview('component:default/billing', 7);
    const otherPr = await portalPreview('component:default/shop-web', 8);
    const otherRepo = await portalPreview(
      'component:default/billing',
      7,
      'acme/billing',
    );
    // Already going: not destroyed twice.
    await store.transition(created[1], ['provisioning'], {
      status: 'destroying',
    });

    const outcome = await handler.onEvent(
      event(
        'closed',
        pullRequest({
          state: 'closed',
          merged: true,
          updatedAt: '2026-05-01T12:00:00Z',
        }),
      ),
    );

    expect(outcome?.action).toMatchObject({
      type: 'destroy',
      labelOnly: false,
    });
    expect(service.destroy.mock.calls.map(([id]) => id).sort()).toEqual(
      [created[0], fromPortal.id].sort(),
    );
    expect(outcome?.destroyed.sort()).toEqual(
      [created[0], fromPortal.id].sort(),
    );
    for (const untouched of [otherPr, otherRepo])
      expect((await store.get(untouched.id))?.status).toBe('provisioning');
    expect(service.create).toHaveBeenCalledTimes(5);
  });

  it('unlabeled: destroys only the previews the label created', async () => {
    const { service, handler, portalPreview } = await setup();
    const created = (await handler.onEvent(event('opened', pullRequest())))!
      .created;
    await portalPreview('component:default/billing', 7);

    await handler.onEvent(
      event(
        'unlabeled',
        pullRequest({ labels: [], updatedAt: '2026-05-01T11:00:00Z' }),
        { label: 'preview' },
      ),
    );
    expect(service.destroy.mock.calls.map(([id]) => id).sort()).toEqual(
      [...created].sort(),
    );
  });

  it('a delivery older than what was seen changes nothing', async () => {
    const { service, handler } = await setup();
    await handler.onEvent(event('opened', pullRequest()));
    await handler.onEvent(
      event(
        'closed',
        pullRequest({ state: 'closed', updatedAt: '2026-05-01T12:00:00Z' }),
      ),
    );
    const late = await handler.onEvent(
      event(
        'synchronize',
        pullRequest({ headSha: sha('c'), updatedAt: '2026-05-01T11:00:00Z' }),
      ),
    );

    expect(late?.action.type).toBe('ignore');
    expect(service.redeploy).not.toHaveBeenCalled();
    expect(service.create).toHaveBeenCalledTimes(2);
  });

  it('a repository no component maps to: nothing is created or destroyed', async () => {
    const { service, handler } = await setup();
    const opened = await handler.onEvent(
      event('opened', pullRequest({ base: UNKNOWN })),
    );
    const closed = await handler.onEvent(
      event(
        'closed',
        pullRequest({
          base: UNKNOWN,
          state: 'closed',
          updatedAt: '2026-05-01T12:00:00Z',
        }),
      ),
    );

    expect(opened).toMatchObject({
      created: [],
      redeployed: [],
      destroyed: [],
    });
    expect(closed).toMatchObject({
      created: [],
      redeployed: [],
      destroyed: [],
    });
    expect(service.create).not.toHaveBeenCalled();
    expect(service.destroy).not.toHaveBeenCalled();
  });

  it('a pull request from a fork (or a deleted head repository) gets no preview unless forks are allowed; closing it still destroys', async () => {
    const skipping = await setup();
    const fromFork = await skipping.handler.onEvent(
      event('opened', pullRequest({ headRepo: FORK })),
    );
    expect(fromFork?.action).toEqual({
      type: 'ignore',
      reason: 'pull request from a fork',
    });
    const deletedHead = await skipping.handler.onEvent(
      event('opened', pullRequest({ number: 9, headRepo: null })),
    );
    expect(deletedHead?.action).toEqual({
      type: 'ignore',
      reason: 'pull request from a fork',
    });
    expect(skipping.service.create).not.toHaveBeenCalled();

    const allowing = await setup({ skipForks: false });
    const created = (await allowing.handler.onEvent(
      event('opened', pullRequest({ headRepo: FORK })),
    ))!.created;
    expect(created).toHaveLength(2);
    expect(allowing.service.create).toHaveBeenCalledWith(
      expect.objectContaining({ branch: 'feature-x', repo: 'acme/shop' }),
    );
    await allowing.handler.onEvent(
      event(
        'closed',
        pullRequest({
          headRepo: FORK,
          state: 'closed',
          updatedAt: '2026-05-01T12:00:00Z',
        }),
      ),
    );
    expect(
      allowing.service.destroy.mock.calls.map(([id]) => id).sort(),
    ).toEqual([...created].sort());
  });

  it('a draft waits until it is ready for review', async () => {
    const { service, handler } = await setup();
    expect(
      (await handler.onEvent(event('opened', pullRequest({ draft: true }))))
        ?.action,
    ).toEqual({ type: 'ignore', reason: 'draft pull request' });
    expect(service.create).not.toHaveBeenCalled();
    await handler.onEvent(
      event(
        'ready_for_review',
        pullRequest({ updatedAt: '2026-05-01T11:00:00Z' }),
      ),
    );
    expect(service.create).toHaveBeenCalledTimes(2);
  });

  it('a create refused for bad input is told to the pull request; a conflict is not', async () => {
    const { service, handler, onRefused } = await setup();
    service.create
      .mockRejectedValueOnce(
        new InputError('the spec at the head is not trusted'),
      )
      .mockRejectedValueOnce(new ConflictError('exists'));
    const outcome = await handler.onEvent(event('opened', pullRequest()));

    expect(outcome?.created).toEqual([]);
    expect(onRefused).toHaveBeenCalledTimes(1);
    expect(onRefused).toHaveBeenCalledWith(
      expect.objectContaining({ fullName: 'acme/shop', host: 'github.com' }),
      7,
      {
        entityRef: service.create.mock.calls[0][0].entityRef,
        sha: sha('a'),
        message: 'the spec at the head is not trusted',
      },
    );
  });

  it('with paths configured: creates only when a changed file matches (read from GitHub)', async () => {
    const { service, octokit, handler } = await setup({ paths: ['src/**'] });
    octokit.pulls.listFiles.mockResolvedValueOnce({
      data: [{ filename: 'docs/readme.md' }],
    });
    const docsOnly = await handler.onEvent(event('opened', pullRequest()));
    expect(docsOnly?.action).toEqual({
      type: 'ignore',
      reason: 'no changed file matches src/**',
    });
    expect(octokit.pulls.listFiles).toHaveBeenCalledWith(
      expect.objectContaining({ owner: 'acme', repo: 'shop', pull_number: 7 }),
    );

    octokit.pulls.listFiles.mockResolvedValueOnce({
      data: [{ filename: 'lib/moved.ts', previous_filename: 'src/moved.ts' }],
    });
    await handler.onEvent(
      event('labeled', pullRequest({ updatedAt: '2026-05-01T11:00:00Z' }), {
        label: 'preview',
      }),
    );
    expect(service.create).toHaveBeenCalledTimes(2);
  });

  it('with a required check that has not passed: creates previews waiting for it', async () => {
    const { service, octokit, handler } = await setup(
      {},
      { requiredCheck: 'build' },
    );
    const checkUrl = 'https://github.com/acme/shop/runs/4';
    octokit.checks.listForRef.mockResolvedValueOnce({
      data: {
        total_count: 1,
        check_runs: [
          {
            id: 4,
            name: 'build',
            head_sha: sha('a'),
            status: 'in_progress',
            conclusion: null,
            html_url: checkUrl,
          },
        ],
      },
    });
    await handler.onEvent(event('opened', pullRequest()));

    expect(octokit.checks.listForRef).toHaveBeenCalledTimes(1);
    expect(service.create).toHaveBeenCalledTimes(2);
    for (const [request] of service.create.mock.calls)
      expect(request.waitFor).toEqual({ check: 'build', url: checkUrl });
    // Not completed: nothing is settled yet.
    expect(service.onBuildCheck).not.toHaveBeenCalled();
  });
});
