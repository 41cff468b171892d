/**
 * Pull request activity from GitHub webhook events (topics `github.<event>`),
 * pure: which pull request had activity (commits, comments, reviews) that
 * keeps its previews from idling out, and which labels it carries now.
 * Our own comments (the sticky comment, expiry notices), bots and people
 * outside the repository (`author_association` other than owner, member or
 * collaborator) are not activity: editing the sticky comment, or anyone
 * commenting on a public PR, must not keep a preview alive.
 */

/** GitHub events that are activity of a pull request's previews (or carry its labels). */
export const ACTIVITY_TOPICS = [
  'github.pull_request',
  'github.issue_comment',
  'github.pull_request_review',
  'github.pull_request_review_comment',
];

/** A pull request of a repository (`owner/name`). */
export interface PullRequestRef {
  repo: string;
  number: number;
}

export interface PullRequestActivity extends PullRequestRef {
  kind: 'commits' | 'comment' | 'review';
}

/** Every hidden marker of our comments starts with this. */
const OUR_MARKER = '<!-- backstage-previews';

const PULL_REQUEST_ACTIONS = new Set([
  'synchronize',
  'opened',
  'reopened',
  'ready_for_review',
]);

function repoOf(payload: any): string | undefined {
  const name = payload?.repository?.full_name;
  return typeof name === 'string' && name ? name : undefined;
}

function fromBot(payload: any, author: any): boolean {
  return payload?.sender?.type === 'Bot' || author?.type === 'Bot';
}

/** GitHub's `author_association` of people who work on the repository (not drive-by commenters). */
const COLLABORATORS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** Whether the comment or review (its `author_association`) is by a collaborator. */
function byCollaborator(subject: any): boolean {
  return COLLABORATORS.has(String(subject?.author_association ?? ''));
}

/** The activity an event stands for, or undefined when it is none. */
export function pullRequestActivityOf(
  topic: string,
  payload: any,
): PullRequestActivity | undefined {
  const repo = repoOf(payload);
  if (!repo) return undefined;
  const action = String(payload?.action ?? '');
  switch (topic) {
    case 'github.pull_request': {
      const number = Number(payload?.pull_request?.number ?? payload?.number);
      if (!PULL_REQUEST_ACTIONS.has(action) || !Number.isInteger(number))
        return undefined;
      return { repo, number, kind: 'commits' };
    }
    case 'github.issue_comment': {
      // Comments on plain issues carry no `issue.pull_request`.
      if (
        !payload?.issue?.pull_request ||
        (action !== 'created' && action !== 'edited')
      )
        return undefined;
      const body = String(payload?.comment?.body ?? '');
      if (
        body.includes(OUR_MARKER) ||
        fromBot(payload, payload?.comment?.user) ||
        !byCollaborator(payload?.comment)
      )
        return undefined;
      const number = Number(payload.issue.number);
      return Number.isInteger(number)
        ? { repo, number, kind: 'comment' }
        : undefined;
    }
    case 'github.pull_request_review':
    case 'github.pull_request_review_comment': {
      if (!['submitted', 'edited', 'created'].includes(action))
        return undefined;
      const subject = payload?.review ?? payload?.comment;
      if (fromBot(payload, subject?.user) || !byCollaborator(subject))
        return undefined;
      const number = Number(payload?.pull_request?.number);
      return Number.isInteger(number)
        ? { repo, number, kind: 'review' }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** The labels a `pull_request` event says its pull request carries now. */
export function pullRequestLabelsOf(
  topic: string,
  payload: any,
): (PullRequestRef & { labels: string[] }) | undefined {
  if (topic !== 'github.pull_request') return undefined;
  const repo = repoOf(payload);
  const pr = payload?.pull_request;
  const number = Number(pr?.number);
  if (!repo || !Array.isArray(pr?.labels) || !Number.isInteger(number))
    return undefined;
  return {
    repo,
    number,
    labels: pr.labels.map((l: any) =>
      typeof l === 'string' ? l : String(l?.name ?? ''),
    ),
  };
}
