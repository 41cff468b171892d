import { Knex } from 'knex';
import { KnownPullRequest } from './pullRequestEvents';

interface PullRequestRow {
  /** `host/owner/name`, lower case (see pullRequestKey); rows written before the host was part of it hold `owner/name` and are never read again. */
  repo: string;
  number: number;
  state: string;
  head_sha: string | null;
  pr_updated_at: string | null;
  labels: string | null;
}

/**
 * The key of a repository's pull requests: the same owner/name on two hosts
 * (github.com and a GitHub Enterprise) are two repositories, and GitHub
 * compares owner and name without case.
 */
export function pullRequestKey(repo: { host: string; fullName: string }): string {
  return `${repo.host}/${repo.fullName}`.toLowerCase();
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
      if (err.code === '23505' || /UNIQUE|duplicate/i.test(err.message ?? '')) return false;
      throw e;
    }
  }

  /** Forgets deliveries older than the cutoff. */
  async pruneDeliveries(before: Date): Promise<void> {
    await this.db('previews_github_deliveries').where('received_at', '<', before.toISOString()).delete();
  }

  async getPullRequest(target: { host: string; fullName: string }, number: number): Promise<KnownPullRequest | undefined> {
    const row = await this.db<PullRequestRow>('previews_github_pull_requests').where({ repo: pullRequestKey(target), number }).first();
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
    state: { state: 'open' | 'closed'; headSha?: string; updatedAt?: string; labels?: string[] },
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
    const known = await this.getPullRequest(target, number);
    if (!known) {
      try {
        await this.db('previews_github_pull_requests').insert(row);
        return;
      } catch {
        // inserted concurrently: update below
      }
    }
    const current = known ?? (await this.getPullRequest(target, number));
    if (current?.updatedAt && state.updatedAt && Date.parse(state.updatedAt) < Date.parse(current.updatedAt)) return;
    // A closed state at the same instant wins over an open one.
    if (current?.state === 'closed' && state.state === 'open' && current.updatedAt === state.updatedAt) return;
    await this.db('previews_github_pull_requests')
      .where({ repo, number })
      .update({ state: row.state, head_sha: row.head_sha, pr_updated_at: row.pr_updated_at, labels: row.labels });
  }
}
