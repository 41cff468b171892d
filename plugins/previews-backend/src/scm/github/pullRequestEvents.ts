import { Config } from '@backstage/config';

/** How pull requests drive previews (`previews.github`). */
export interface PullRequestPolicy {
  /** The label that asks for a preview. */
  label: string;
  skipDrafts: boolean;
  skipForks: boolean;
  /** Only pull requests into these base branches; all when empty. */
  baseBranches: string[];
  /** Only pull requests that change a file matching one of these globs; all when empty. */
  paths: string[];
}

export function policyFromConfig(config?: Config): PullRequestPolicy {
  return {
    label: config?.getOptionalString('label') ?? 'preview',
    skipDrafts: config?.getOptionalBoolean('skipDrafts') ?? true,
    skipForks: config?.getOptionalBoolean('skipForks') ?? true,
    baseBranches: config?.getOptionalStringArray('baseBranches') ?? [],
    paths: config?.getOptionalStringArray('paths') ?? [],
  };
}

/** What a webhook payload or the API says about a pull request. */
export interface PullRequestSnapshot {
  number: number;
  state: 'open' | 'closed';
  draft: boolean;
  /** The head is in another repository. */
  fork: boolean;
  baseRef: string;
  headRef: string;
  headSha: string;
  labels: string[];
  /** ISO 8601 `updated_at` of the pull request. */
  updatedAt?: string;
  title?: string;
  url?: string;
}

/** The newest state seen for a pull request. */
export interface KnownPullRequest {
  state: 'open' | 'closed';
  headSha?: string;
  updatedAt?: string;
}

export type PullRequestAction =
  | { type: 'create'; sha: string }
  | { type: 'redeploy'; sha: string }
  /** `labelOnly`: only previews the label created (a portal preview of the PR stays). */
  | { type: 'destroy'; reason: string; labelOnly: boolean }
  | { type: 'ignore'; reason: string };

/**
 * Whether a pull request comes from another repository. A deleted head
 * repository (`head.repo: null`) is a fork too: nothing shows it is ours.
 * Repositories compare by id (a rename or transfer keeps it), else by name
 * without case.
 */
export function isFork(pr: any): boolean {
  const head = pr.head?.repo;
  const base = pr.base?.repo;
  if (!head || !base) return true;
  if (head.id !== undefined && base.id !== undefined)
    return head.id !== base.id;
  return (
    String(head.full_name ?? '').toLowerCase() !==
    String(base.full_name ?? '').toLowerCase()
  );
}

/** Converts a `pull_request` object of a webhook payload or of the REST API. */
export function snapshotOf(pr: any): PullRequestSnapshot {
  return {
    number: Number(pr.number),
    state: pr.state === 'closed' ? 'closed' : 'open',
    draft: Boolean(pr.draft),
    fork: isFork(pr),
    baseRef: String(pr.base?.ref ?? ''),
    headRef: String(pr.head?.ref ?? ''),
    headSha: String(pr.head?.sha ?? ''),
    labels: (pr.labels ?? []).map((l: any) =>
      typeof l === 'string' ? l : String(l?.name ?? ''),
    ),
    ...(pr.updated_at ? { updatedAt: String(pr.updated_at) } : {}),
    ...(pr.title ? { title: String(pr.title) } : {}),
    ...(pr.html_url ? { url: String(pr.html_url) } : {}),
  };
}

/** Why a labelled, open pull request gets no preview; undefined when it gets one (paths aside). */
export function ineligibility(
  pr: PullRequestSnapshot,
  policy: PullRequestPolicy,
): string | undefined {
  if (policy.skipDrafts && pr.draft) return 'draft pull request';
  if (policy.skipForks && pr.fork) return 'pull request from a fork';
  if (policy.baseBranches.length && !policy.baseBranches.includes(pr.baseRef)) {
    return `base branch ${pr.baseRef} is not one of ${policy.baseBranches.join(
      ', ',
    )}`;
  }
  return undefined;
}

/** Whether `a` is older than `b` (ISO timestamps; unknown is never older). */
function older(a?: string, b?: string) {
  return Boolean(a && b && Date.parse(a) < Date.parse(b));
}

/**
 * The pure policy: what one `pull_request` event (or a polled state) does to
 * the pull request's previews. Late deliveries (an older `updated_at` than
 * the newest seen, or an open state at the moment it was closed) change nothing.
 */
export function decidePullRequestAction(input: {
  action: string;
  /** The label added or removed, for `labeled`/`unlabeled`. */
  label?: string;
  pr: PullRequestSnapshot;
  known?: KnownPullRequest;
  policy: PullRequestPolicy;
}): PullRequestAction {
  const { action, pr, known, policy } = input;
  if (known && older(pr.updatedAt, known.updatedAt)) {
    return {
      type: 'ignore',
      reason: `stale delivery (${pr.updatedAt} before ${known.updatedAt})`,
    };
  }
  if (
    known?.state === 'closed' &&
    pr.state === 'open' &&
    action !== 'reopened' &&
    !older(known.updatedAt, pr.updatedAt)
  ) {
    return {
      type: 'ignore',
      reason: 'the pull request was closed after this delivery',
    };
  }
  if (action === 'closed' || pr.state === 'closed') {
    return { type: 'destroy', reason: 'pull request closed', labelOnly: false };
  }
  const labelled = pr.labels.includes(policy.label);
  if (action === 'unlabeled') {
    if (input.label === policy.label || !labelled) {
      return {
        type: 'destroy',
        reason: `label ${policy.label} removed`,
        labelOnly: true,
      };
    }
    return {
      type: 'ignore',
      reason: `label ${input.label} is not ${policy.label}`,
    };
  }
  if (!labelled)
    return { type: 'ignore', reason: `not labelled ${policy.label}` };
  if (
    action === 'labeled' &&
    input.label !== undefined &&
    input.label !== policy.label
  ) {
    return {
      type: 'ignore',
      reason: `label ${input.label} is not ${policy.label}`,
    };
  }
  const why = ineligibility(pr, policy);
  if (why) return { type: 'ignore', reason: why };
  switch (action) {
    case 'synchronize':
      return { type: 'redeploy', sha: pr.headSha };
    case 'labeled':
    case 'opened':
    case 'reopened':
    case 'ready_for_review':
      return { type: 'create', sha: pr.headSha };
    default:
      return { type: 'ignore', reason: `action ${action} changes nothing` };
  }
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether any changed file matches a glob (`**`, `*`, `?`; a pattern ending in `/` covers its folder). */
export function matchesPaths(files: string[], patterns: string[]): boolean {
  if (!patterns.length) return true;
  const res = patterns.map(p => globToRegExp(p.endsWith('/') ? `${p}**` : p));
  return files.some(f => res.some(r => r.test(f)));
}
