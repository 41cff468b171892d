import { Knex } from 'knex';
import { PullRequestRow } from '../../database/tables';
import { KnownPullRequest } from './pullRequestEvents';

/**
 * The key of a repository's pull requests: the same owner/name on two hosts
 * (github.com and a GitHub Enterprise) are two repositories, and GitHub
 * compares owner and name without case.
 */
export function pullRequestKey(repo: {
  host: string;
  fullName: string;
}): string {
  return `${repo.host}/${repo.fullName}`.toLowerCase();
}

/** Whether `state` is older than the known one (a closed state at the same instant wins over an open one). */
function isOlder(
  state: { state: 'open' | 'closed'; updatedAt?: string },
  known: KnownPullRequest | undefined,
): boolean {
  if (
    known?.updatedAt &&
    state.updatedAt &&
    Date.parse(state.updatedAt) < Date.parse(known.updatedAt)
  )
    return true;
  return (
    known?.state === 'closed' &&
    state.state === 'open' &&
    known.updatedAt === state.updatedAt
  );
}

/** Pull request states and handled webhook deliveries (tables of migration 20261122c). */
export class GitHubStore {
  constructor(private readonly db: Knex) {}

  /** Records a delivery id; false when it was already recorded (a redelivery). */
  async claimDelivery(deliveryId: string): Promise<boolean> {
    try {
      await this.db('previews_github_deliveries').insert({
        delivery_id: deliveryId.slice(0, 64),
        received_at: new Date().toISOString(),
      });
      return true;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code === '23505' || /UNIQUE|duplicate/i.test(err.message ?? ''))
        return false;
      throw e;
    }
  }

  /** Forgets deliveries older than the cutoff. */
  async pruneDeliveries(before: Date): Promise<void> {
    await this.db('previews_github_deliveries')
      .where('received_at', '<', before.toISOString())
      .delete();
  }

  async getPullRequest(
    target: { host: string; fullName: string },
    number: number,
  ): Promise<KnownPullRequest | undefined> {
    const table = () =>
      this.db<PullRequestRow>('previews_github_pull_requests');
    // A row of an earlier version (keyed `owner/name`) still counts until this key has one: a late
    // delivery for a pull request closed before an upgrade stays stale.
    const row =
      (await table()
        .where({ repo: pullRequestKey(target), number })
        .first()) ??
      (await table().where({ repo: target.fullName, number }).first());
    if (!row) return undefined;
    return {
      state: row.state === 'closed' ? 'closed' : 'open',
      ...(row.head_sha ? { headSha: row.head_sha } : {}),
      ...(row.pr_updated_at ? { updatedAt: row.pr_updated_at } : {}),
    };
  }

  /** Keeps the newest state seen (an older `updatedAt` never overwrites a newer one). */
  async recordPullRequest(
    target: { host: string; fullName: string },
    number: number,
    state: {
      state: 'open' | 'closed';
      headSha?: string;
      updatedAt?: string;
      labels?: string[];
    },
  ): Promise<void> {
    const repo = pullRequestKey(target);
    const row: PullRequestRow = {
      repo,
      number,
      state: state.state,
      head_sha: state.headSha ?? null,
      pr_updated_at: state.updatedAt ?? null,
      labels: state.labels ? JSON.stringify(state.labels) : null,
    };
    if (isOlder(state, await this.getPullRequest(target, number))) return;
    if (
      !(await this.db<PullRequestRow>('previews_github_pull_requests')
        .where({ repo, number })
        .first())
    ) {
      try {
        await this.db('previews_github_pull_requests').insert(row);
        return;
      } catch {
        // inserted concurrently: compare with that one, then update
        if (isOlder(state, await this.getPullRequest(target, number))) return;
      }
    }
    await this.db('previews_github_pull_requests')
      .where({ repo, number })
      .update({
        state: row.state,
        head_sha: row.head_sha,
        pr_updated_at: row.pr_updated_at,
        labels: row.labels,
      });
  }
}
