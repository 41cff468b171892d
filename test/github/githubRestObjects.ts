import crypto from 'node:crypto';
import type {
  FakeApp,
  FakeCheckRun,
  FakeComment,
  FakeDeployment,
  FakeDeploymentStatus,
  FakePullRequest,
} from './fakeGitHubState';

// The objects of the fake GitHub in the shapes GitHub's REST API answers with
// (and its webhooks carry): every property GitHub's OpenAPI description
// requires, with the type it says. `api` is the fake's API base URL.
// githubStandIn.test.ts checks them against that description.

/** GitHub's web pages of the tests' GitHub host (`integrations.github[].host`). */
export const WEB_URL = 'https://github.test';
const EPOCH = '2026-01-01T00:00:00Z';
/** The app that runs CI check runs (GitHub Actions). */
const CI_APP: FakeApp = { id: 15368, slug: 'github-actions' };

/** A stable id for a name: the same name (in any case) gives the same id, as a repository keeps its id. */
export function idOf(name: string): number {
  return parseInt(
    crypto
      .createHash('sha1')
      .update(name.toLowerCase())
      .digest('hex')
      .slice(0, 7),
    16,
  );
}

/** A made-up commit id for a name. */
export function shaOf(name: string): string {
  return crypto.createHash('sha1').update(name).digest('hex');
}

const nodeId = (kind: string, id: number) =>
  Buffer.from(`${kind}${id}`).toString('base64');
/** `base` + each tail, by key. */
const urls = (base: string, tails: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(tails).map(([key, tail]) => [key, `${base}${tail}`]),
  );

/** `simple-user` */
export function userJson(
  api: string,
  user: { login: string; id?: number; type?: string; avatar_url?: string },
) {
  const url = `${api}/users/${encodeURIComponent(user.login)}`;
  const id = user.id ?? idOf(user.login);
  return {
    login: user.login,
    id,
    node_id: nodeId('U_', id),
    avatar_url:
      user.avatar_url ??
      `https://avatars.test/${encodeURIComponent(user.login)}`,
    gravatar_id: '',
    url,
    html_url: `${WEB_URL}/${encodeURIComponent(user.login)}`,
    ...urls(url, {
      followers_url: '/followers',
      following_url: '/following{/other_user}',
      gists_url: '/gists{/gist_id}',
      starred_url: '/starred{/owner}{/repo}',
      subscriptions_url: '/subscriptions',
      organizations_url: '/orgs',
      repos_url: '/repos',
      events_url: '/events{/privacy}',
      received_events_url: '/received_events',
    }),
    type: user.type ?? 'User',
    site_admin: false,
  };
}

/** `private-user` (`GET /user` with a token). */
export function privateUserJson(
  api: string,
  user: { login: string; id: number; type: string },
) {
  return {
    ...userJson(api, user),
    ...{
      name: null,
      company: null,
      blog: '',
      location: null,
      email: null,
      hireable: null,
      bio: null,
    },
    ...{
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: EPOCH,
      updated_at: EPOCH,
    },
    ...{
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
    },
    two_factor_authentication: true,
  };
}

/** `repository` (as in a pull request's `head.repo` and webhooks' `repository`). */
export function repoJson(api: string, fullName: string) {
  const [owner, name] = fullName.split('/');
  const url = `${api}/repos/${fullName}`;
  const html = `${WEB_URL}/${fullName}`;
  const id = idOf(fullName);
  return {
    id,
    node_id: nodeId('R_', id),
    name,
    full_name: fullName,
    private: false,
    owner: userJson(api, { login: owner }),
    html_url: html,
    description: null,
    fork: false,
    url,
    ...urls(url, {
      forks_url: '/forks',
      keys_url: '/keys{/key_id}',
      collaborators_url: '/collaborators{/collaborator}',
      teams_url: '/teams',
      hooks_url: '/hooks',
      issue_events_url: '/issues/events{/number}',
      events_url: '/events',
      assignees_url: '/assignees{/user}',
      branches_url: '/branches{/branch}',
      tags_url: '/tags',
      blobs_url: '/git/blobs{/sha}',
      git_tags_url: '/git/tags{/sha}',
      git_refs_url: '/git/refs{/sha}',
      trees_url: '/git/trees{/sha}',
      statuses_url: '/statuses/{sha}',
      languages_url: '/languages',
      stargazers_url: '/stargazers',
      contributors_url: '/contributors',
      subscribers_url: '/subscribers',
      subscription_url: '/subscription',
      commits_url: '/commits{/sha}',
      git_commits_url: '/git/commits{/sha}',
      comments_url: '/comments{/number}',
      issue_comment_url: '/issues/comments{/number}',
      contents_url: '/contents/{+path}',
      compare_url: '/compare/{base}...{head}',
      merges_url: '/merges',
      archive_url: '/{archive_format}{/ref}',
      downloads_url: '/downloads',
      issues_url: '/issues{/number}',
      pulls_url: '/pulls{/number}',
      milestones_url: '/milestones{/number}',
      notifications_url: '/notifications{?since,all,participating}',
      labels_url: '/labels{/name}',
      releases_url: '/releases{/id}',
      deployments_url: '/deployments',
    }),
    ...{ created_at: EPOCH, updated_at: EPOCH, pushed_at: EPOCH },
    git_url: `git://github.test/${fullName}.git`,
    ssh_url: `git@github.test:${fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    ...{
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
    },
    ...{
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: true,
      has_pages: false,
    },
    ...{
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: 0,
      license: null,
    },
    ...{ forks: 0, open_issues: 0, watchers: 0, default_branch: 'main' },
  };
}

/**
 * `label`, of the repository whose API URL is `repoUrl`. Its description is
 * a string: the pull requests `GET /pulls` lists may have no null there.
 */
export function labelJson(repoUrl: string, name: string, id: number) {
  return {
    id,
    node_id: nodeId('LA_', id),
    url: `${repoUrl}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: '',
  };
}

/** `pull-request` (also what `GET /pulls` lists, and webhooks' `pull_request`). */
export function pullRequestJson(
  api: string,
  fullName: string,
  pr: FakePullRequest,
) {
  const url = `${api}/repos/${fullName}`;
  const self = `${url}/pulls/${pr.number}`;
  const issue = `${url}/issues/${pr.number}`;
  const html = `${WEB_URL}/${fullName}/pull/${pr.number}`;
  const id = idOf(`${fullName}#${pr.number}`);
  const closedAt = pr.state === 'closed' ? pr.updated_at : null;
  const side = (repoFullName: string, ref: string, sha: string) => ({
    label: `${repoFullName.split('/')[0]}:${ref}`,
    ref,
    sha,
    user: userJson(api, { login: repoFullName.split('/')[0] }),
    repo: repoJson(api, repoFullName),
  });
  const links = {
    self,
    html,
    issue,
    comments: `${issue}/comments`,
    review_comments: `${self}/comments`,
    review_comment: `${url}/pulls/comments{/number}`,
    commits: `${self}/commits`,
    statuses: `${url}/statuses/${pr.head.sha}`,
  };
  return {
    url: self,
    id,
    node_id: nodeId('PR_', id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(api, pr.user ?? { login: 'octo' }),
    body: null,
    created_at: pr.created_at ?? pr.updated_at,
    updated_at: pr.updated_at,
    closed_at: closedAt,
    merged_at: pr.merged ? closedAt ?? pr.updated_at : null,
    merge_commit_sha: null,
    ...{
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
    },
    labels: pr.labels.map((name, i) => labelJson(url, name, i + 1)),
    milestone: null,
    draft: Boolean(pr.draft),
    commits_url: links.commits,
    review_comments_url: links.review_comments,
    review_comment_url: links.review_comment,
    comments_url: links.comments,
    statuses_url: links.statuses,
    head: side(pr.head.repoFullName ?? fullName, pr.head.ref, pr.head.sha),
    base: side(
      fullName,
      pr.base.ref,
      pr.base.sha ?? shaOf(`${fullName}:${pr.base.ref}`),
    ),
    _links: Object.fromEntries(
      Object.entries(links).map(([k, href]) => [k, { href }]),
    ),
    ...{
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
      active_lock_reason: null,
    },
    ...{
      merged: Boolean(pr.merged),
      mergeable: null,
      rebaseable: null,
      mergeable_state: 'unknown',
      merged_by: null,
    },
    ...{
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 0,
    },
    changed_files: pr.files?.length ?? 1,
  };
}

/** `diff-entry`: a file a pull request changes (at its head commit). */
export function diffEntryJson(
  api: string,
  fullName: string,
  headSha: string,
  filename: string,
) {
  const path = encodeURI(filename);
  return {
    sha: shaOf(`${headSha}:${filename}`),
    filename,
    status: 'modified',
    ...{ additions: 1, deletions: 0, changes: 1 },
    blob_url: `${WEB_URL}/${fullName}/blob/${headSha}/${path}`,
    raw_url: `${WEB_URL}/${fullName}/raw/${headSha}/${path}`,
    contents_url: `${api}/repos/${fullName}/contents/${path}?ref=${headSha}`,
  };
}

/** `short-branch` */
export function branchJson(
  api: string,
  fullName: string,
  branch: { name: string; sha: string },
) {
  return {
    name: branch.name,
    commit: {
      sha: branch.sha,
      url: `${api}/repos/${fullName}/commits/${branch.sha}`,
    },
    protected: false,
  };
}

/** `content-file`: a file at a ref, base64. */
export function contentFileJson(
  api: string,
  fullName: string,
  ref: string,
  path: string,
  file: Buffer,
) {
  const sha = crypto
    .createHash('sha1')
    .update(`blob ${file.length}\0`)
    .update(file)
    .digest('hex');
  const self = `${api}/repos/${fullName}/contents/${encodeURI(
    path,
  )}?ref=${encodeURIComponent(ref)}`;
  const html = `${WEB_URL}/${fullName}/blob/${encodeURIComponent(
    ref,
  )}/${encodeURI(path)}`;
  const git = `${api}/repos/${fullName}/git/blobs/${sha}`;
  return {
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
  };
}

/** `integration`: a GitHub App (a comment's `performed_via_github_app`, a check run's `app`). */
export function appJson(api: string, app: FakeApp) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('A_', app.id),
    owner: userJson(api, { login: `${app.slug}-owner`, type: 'Organization' }),
    name: app.slug,
    description: null,
    external_url: `${WEB_URL}/apps/${app.slug}`,
    html_url: `${WEB_URL}/apps/${app.slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: { checks: 'write', metadata: 'read' },
    events: [],
  };
}

/** `issue-comment` on issue (or pull request) `c.issue` of `fullName`. */
export function commentJson(
  api: string,
  fullName: string,
  c: FakeComment,
  authorAssociation: string,
) {
  const url = `${api}/repos/${fullName}`;
  return {
    id: c.id,
    node_id: nodeId('IC_', c.id),
    url: `${url}/issues/comments/${c.id}`,
    html_url: `${WEB_URL}/${fullName}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${url}/issues/${c.issue}`,
    body: c.body,
    user: userJson(api, c.user),
    created_at: c.created_at ?? EPOCH,
    updated_at: c.updated_at ?? c.created_at ?? EPOCH,
    author_association: authorAssociation,
    performed_via_github_app: c.performed_via_github_app
      ? appJson(api, c.performed_via_github_app)
      : null,
  };
}

/** `check-run` (also webhooks' `check_run`). */
export function checkRunJson(
  api: string,
  fullName: string,
  run: FakeCheckRun & { id: number },
) {
  const url = `${api}/repos/${fullName}/check-runs/${run.id}`;
  const html = run.html_url ?? `${WEB_URL}/${fullName}/runs/${run.id}`;
  return {
    id: run.id,
    node_id: nodeId('CR_', run.id),
    head_sha: run.sha,
    external_id: run.external_id ?? '',
    url,
    html_url: html,
    details_url: run.details_url ?? html,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at ?? EPOCH,
    completed_at: run.status === 'completed' ? run.completed_at ?? EPOCH : null,
    output: {
      title: run.output?.title ?? null,
      summary: run.output?.summary ?? null,
      text: null,
      annotations_count: 0,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: idOf(`${fullName}@${run.sha}`) },
    app: appJson(api, CI_APP),
    pull_requests: [],
  };
}

/** `deployment`, created by `creator` (a `simple-user`). */
export function deploymentJson(
  api: string,
  fullName: string,
  d: FakeDeployment,
  creator: object,
) {
  const url = `${api}/repos/${fullName}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId('DE_', d.id),
    sha: d.sha ?? d.ref,
    ref: d.ref,
    task: d.task ?? 'deploy',
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: d.description ?? null,
    creator,
    created_at: d.created_at ?? EPOCH,
    updated_at: d.created_at ?? EPOCH,
    statuses_url: `${url}/statuses`,
    repository_url: `${api}/repos/${fullName}`,
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
  };
}

/**
 * `deployment-status`. Without a `log_url` (or `target_url`) GitHub answers
 * `target_url: ""`, which the description's `uri` format does not allow.
 */
export function deploymentStatusJson(
  api: string,
  fullName: string,
  d: FakeDeployment,
  s: FakeDeploymentStatus & { id: number },
  creator: object,
) {
  const deploymentUrl = `${api}/repos/${fullName}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES_', s.id),
    state: s.state,
    creator,
    description: s.description ?? '',
    environment: d.environment,
    target_url: s.log_url ?? '',
    ...(s.log_url !== undefined ? { log_url: s.log_url } : {}),
    ...(s.environment_url !== undefined
      ? { environment_url: s.environment_url }
      : {}),
    created_at: s.created_at ?? EPOCH,
    updated_at: s.created_at ?? EPOCH,
    deployment_url: deploymentUrl,
    repository_url: `${api}/repos/${fullName}`,
  };
}
