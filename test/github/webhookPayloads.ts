import {
  idOf,
  labelJson,
  type checkRunJson,
  type commentJson,
  type pullRequestJson,
  type repoJson,
} from './githubRestObjects';

// The webhook payloads tests deliver to the backend, built from the REST
// shapes of githubRestObjects.ts (the fake GitHub's `pullJson`,
// `checkRunJson`, `commentJson`, `repoJson`) the way GitHub builds them.
// test/src/githubStandIn.test.ts checks them against GitHub's example
// deliveries (`@octokit/webhooks-examples`).

type PullJson = ReturnType<typeof pullRequestJson>;
type CheckRunJson = ReturnType<typeof checkRunJson>;
type CommentJson = ReturnType<typeof commentJson>;
type RepoJson = ReturnType<typeof repoJson>;

/**
 * A `pull_request` delivery: `action` on the pull request `pull`, in its base
 * repository, sent by its author. `label`: the label a `labeled` or
 * `unlabeled` names; `before`: the old head of a `synchronize`.
 */
export function pullRequestEvent(
  action: string,
  pull: PullJson,
  options: { label?: string; before?: string } = {},
) {
  const { label, before } = options;
  return {
    action,
    number: pull.number,
    pull_request: pull,
    ...(label !== undefined
      ? {
          label:
            pull.labels.find(l => l.name === label) ??
            labelJson(pull.base.repo.url, label, pull.labels.length + 1),
        }
      : {}),
    ...(action === 'synchronize'
      ? { ...(before !== undefined ? { before } : {}), after: pull.head.sha }
      : {}),
    repository: pull.base.repo,
    sender: pull.user,
  };
}

/** A `check_run` delivery: `action` on the check run `run` of `repository`. */
export function checkRunEvent(
  action: string,
  run: CheckRunJson,
  repository: RepoJson,
) {
  return { action, check_run: run, repository, sender: repository.owner };
}

/** A pull request as an issue (what `issue_comment` deliveries carry as `issue`). */
function issueOf(pull: PullJson) {
  const id = idOf(`${pull.base.repo.full_name} issue ${pull.number}`);
  return {
    url: pull.issue_url,
    repository_url: pull.base.repo.url,
    labels_url: `${pull.issue_url}/labels{/name}`,
    comments_url: pull.comments_url,
    events_url: `${pull.issue_url}/events`,
    html_url: pull.html_url,
    id,
    node_id: Buffer.from(`I_${id}`).toString('base64'),
    number: pull.number,
    title: pull.title,
    user: pull.user,
    labels: pull.labels,
    state: pull.state,
    locked: pull.locked,
    ...{
      assignee: pull.assignee,
      assignees: pull.assignees,
      milestone: pull.milestone,
      comments: pull.comments,
    },
    ...{
      created_at: pull.created_at,
      updated_at: pull.updated_at,
      closed_at: pull.closed_at,
    },
    author_association: pull.author_association,
    body: pull.body,
    pull_request: {
      url: pull.url,
      html_url: pull.html_url,
      diff_url: pull.diff_url,
      patch_url: pull.patch_url,
      merged_at: pull.merged_at,
    },
  };
}

/** An `issue_comment` delivery: `action` on the comment `comment` of the pull request `pull`, sent by its author. */
export function issueCommentEvent(
  action: string,
  pull: PullJson,
  comment: CommentJson,
) {
  return {
    action,
    issue: issueOf(pull),
    comment,
    repository: pull.base.repo,
    sender: comment.user,
  };
}
