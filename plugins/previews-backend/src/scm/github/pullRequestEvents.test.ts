import {
  isFork,
  PullRequestPolicy,
  PullRequestSnapshot,
  decidePullRequestAction,
  matchesPaths,
  snapshotOf,
} from './pullRequestEvents';

const policy: PullRequestPolicy = {
  label: 'preview',
  skipDrafts: true,
  skipForks: true,
  baseBranches: ['main'],
  paths: [],
};
const pr = (over: Partial<PullRequestSnapshot> = {}): PullRequestSnapshot => ({
  number: 7,
  state: 'open',
  draft: false,
  fork: false,
  baseRef: 'main',
  headRef: 'feature',
  headSha: 'b'.repeat(40),
  labels: ['preview'],
  updatedAt: '2026-01-01T00:00:10Z',
  ...over,
});

describe('decidePullRequestAction', () => {
  it.each([
    ['labeled with the label', 'labeled', 'preview', pr(), undefined, 'create'],
    [
      'labeled with another label',
      'labeled',
      'bug',
      pr({ labels: ['preview', 'bug'] }),
      undefined,
      'ignore',
    ],
    [
      'labeled, label gone since',
      'labeled',
      'preview',
      pr({ labels: [] }),
      undefined,
      'ignore',
    ],
    [
      'synchronize when labelled',
      'synchronize',
      undefined,
      pr(),
      undefined,
      'redeploy',
    ],
    [
      'synchronize without the label',
      'synchronize',
      undefined,
      pr({ labels: [] }),
      undefined,
      'ignore',
    ],
    [
      'unlabeled the label',
      'unlabeled',
      'preview',
      pr({ labels: [] }),
      undefined,
      'destroy',
    ],
    ['unlabeled another label', 'unlabeled', 'bug', pr(), undefined, 'ignore'],
    [
      'closed',
      'closed',
      undefined,
      pr({ state: 'closed' }),
      undefined,
      'destroy',
    ],
    [
      'closed and merged',
      'closed',
      undefined,
      pr({ state: 'closed', labels: [] }),
      undefined,
      'destroy',
    ],
    ['draft', 'labeled', 'preview', pr({ draft: true }), undefined, 'ignore'],
    ['fork', 'labeled', 'preview', pr({ fork: true }), undefined, 'ignore'],
    [
      'other base branch',
      'labeled',
      'preview',
      pr({ baseRef: 'release' }),
      undefined,
      'ignore',
    ],
    [
      'ready for review',
      'ready_for_review',
      undefined,
      pr(),
      undefined,
      'create',
    ],
    [
      'converted to draft',
      'converted_to_draft',
      undefined,
      pr({ draft: true }),
      undefined,
      'ignore',
    ],
    [
      'stale synchronize',
      'synchronize',
      undefined,
      pr({ updatedAt: '2026-01-01T00:00:05Z' }),
      { state: 'open' as const, updatedAt: '2026-01-01T00:00:09Z' },
      'ignore',
    ],
    [
      'labeled after closed',
      'labeled',
      'preview',
      pr({ updatedAt: '2026-01-01T00:00:05Z' }),
      { state: 'closed' as const, updatedAt: '2026-01-01T00:00:09Z' },
      'ignore',
    ],
    [
      'labeled at the instant it closed',
      'labeled',
      'preview',
      pr(),
      { state: 'closed' as const, updatedAt: '2026-01-01T00:00:10Z' },
      'ignore',
    ],
    [
      'reopened after closed',
      'reopened',
      undefined,
      pr({ updatedAt: '2026-01-01T00:00:20Z' }),
      { state: 'closed' as const, updatedAt: '2026-01-01T00:00:10Z' },
      'create',
    ],
  ])('%s', (_name, action, label, snapshot, known, expected) => {
    expect(
      decidePullRequestAction({ action, label, pr: snapshot, known, policy })
        .type,
    ).toBe(expected);
  });

  it('allows drafts and forks when the policy does', () => {
    const lax = {
      ...policy,
      skipDrafts: false,
      skipForks: false,
      baseBranches: [],
    };
    expect(
      decidePullRequestAction({
        action: 'labeled',
        label: 'preview',
        pr: pr({ draft: true, fork: true, baseRef: 'x' }),
        policy: lax,
      }).type,
    ).toBe('create');
  });

  it('only unlabeled destroys label-driven previews alone', () => {
    expect(
      decidePullRequestAction({
        action: 'unlabeled',
        label: 'preview',
        pr: pr({ labels: [] }),
        policy,
      }),
    ).toMatchObject({ labelOnly: true });
    expect(
      decidePullRequestAction({
        action: 'closed',
        pr: pr({ state: 'closed' }),
        policy,
      }),
    ).toMatchObject({ labelOnly: false });
  });
});

describe('matchesPaths', () => {
  it.each([
    [['services/web/a.ts'], ['services/**'], true],
    [['docs/readme.md'], ['services/**', 'package.json'], false],
    [['package.json'], ['services/**', 'package.json'], true],
    [['services/web/a.ts'], ['services/*/a.ts'], true],
    [['services/web/deep/a.ts'], ['services/*/a.ts'], false],
    [['apps/shop/x.ts'], ['apps/shop/'], true],
    [['anything'], [], true],
  ])('%j against %j', (files, patterns, expected) => {
    expect(matchesPaths(files, patterns)).toBe(expected);
  });
});

describe('isFork', () => {
  const repo = (id: number | undefined, full_name: string) => ({
    ...(id === undefined ? {} : { id }),
    full_name,
  });
  it.each([
    ['same repository id', repo(1, 'acme/shop'), repo(1, 'acme/shop'), false],
    [
      'same id after a rename',
      repo(1, 'acme/shop-old'),
      repo(1, 'acme/shop'),
      false,
    ],
    [
      'another repository id with the same name',
      repo(2, 'acme/shop'),
      repo(1, 'acme/shop'),
      true,
    ],
    [
      'another name, no ids',
      repo(undefined, 'x/shop'),
      repo(undefined, 'acme/shop'),
      true,
    ],
    [
      'the same name in another case, no ids',
      repo(undefined, 'Acme/Shop'),
      repo(undefined, 'acme/shop'),
      false,
    ],
    ['a deleted head repository', null, repo(1, 'acme/shop'), true],
    ['no base repository', repo(1, 'acme/shop'), undefined, true],
  ])('%s', (_, head, base, expected) => {
    expect(isFork({ head: { repo: head }, base: { repo: base } })).toBe(
      expected,
    );
  });
});

describe('snapshotOf', () => {
  it('reads a payload pull request, forks included', () => {
    const s = snapshotOf({
      number: 3,
      state: 'open',
      draft: true,
      labels: [{ name: 'preview' }],
      head: { ref: 'f', sha: 'a', repo: { full_name: 'x/shop' } },
      base: { ref: 'main', repo: { full_name: 'acme/shop' } },
      updated_at: '2026-01-01T00:00:00Z',
    });
    expect(s).toMatchObject({
      number: 3,
      draft: true,
      fork: true,
      labels: ['preview'],
      headRef: 'f',
      baseRef: 'main',
    });
  });
});
