import { LoggerService } from '@backstage/backend-plugin-api';
import { LIVE_PREVIEW_STATUSES } from '@backstage-previews/plugin-previews-common';
import type { PreviewsStore } from '../../database/PreviewsStore';
import {
  GitHubClientFactory,
  GitHubRateLimitedError,
  parseSlug,
  readAllPages,
} from './GitHubClientFactory';
import { PullRequestHandler } from './PullRequestHandler';
import { snapshotOf } from './pullRequestEvents';

/** What one polling round did. */
export interface PollReport {
  checked: number;
  destroyed: string[];
  redeployed: string[];
  /** Previews created for labelled pull requests whose `labeled` event was missed. */
  created: string[];
  /** Waiting previews whose required check completed (deployed or failed). */
  builds: string[];
  errors: string[];
}

/**
 * The polling fallback for missed webhooks: reads the pull request of every
 * live label-driven preview and applies its state as an event would.
 * Safety: only a state GitHub returned can destroy; an error, a timeout or a
 * rate limit changes nothing (and a rate limit skips the rest of the round).
 */
export async function pollPullRequests(options: {
  store: PreviewsStore;
  clients: GitHubClientFactory;
  handler: PullRequestHandler;
  logger: LoggerService;
}): Promise<PollReport> {
  const { store, clients, handler, logger } = options;
  const report: PollReport = {
    checked: 0,
    destroyed: [],
    redeployed: [],
    created: [],
    builds: [],
    errors: [],
  };
  const live = await store.list({ statuses: LIVE_PREVIEW_STATUSES });
  const pullRequests = new Map<string, { repo: string; number: number }>();
  for (const p of live) {
    if (
      p.trigger !== 'label' ||
      !p.repo ||
      !p.pullRequest ||
      p.status === 'destroying'
    )
      continue;
    pullRequests.set(`${p.repo}#${p.pullRequest.number}`, {
      repo: p.repo,
      number: p.pullRequest.number,
    });
  }
  for (const [key, { repo: fullName, number }] of pullRequests) {
    const repo = parseSlug(fullName, clients.defaultHost);
    if (!repo) continue;
    const limited = clients.rateLimited(repo.host);
    if (limited) {
      report.errors.push(`${key}: rate limited until ${limited.toISOString()}`);
      logger.warn(
        `Polling ${key} skipped: GitHub ${
          repo.host
        } is rate limited until ${limited.toISOString()}`,
      );
      continue;
    }
    try {
      const octokit = await clients.forRepo(repo);
      const { data, status } = await octokit.pulls.get({
        owner: repo.owner,
        repo: repo.name,
        pull_number: number,
      });
      if (
        status !== 200 ||
        !data ||
        typeof data.state !== 'string' ||
        data.number !== number
      ) {
        throw new Error(`unexpected answer (${status})`);
      }
      report.checked++;
      const pr = snapshotOf(data);
      const action = pr.state === 'closed' ? 'closed' : 'synchronize';
      const outcome = await handler.apply(repo, action, pr);
      // A labelled open PR whose label is gone: the same as an `unlabeled` event.
      const unlabeled =
        pr.state === 'open' &&
        outcome.action.type === 'ignore' &&
        /^not labelled/.test(outcome.action.reason)
          ? await handler.apply(repo, 'unlabeled', pr)
          : undefined;
      report.destroyed.push(
        ...outcome.destroyed,
        ...(unlabeled?.destroyed ?? []),
      );
      report.redeployed.push(...outcome.redeployed);
    } catch (e) {
      const message =
        e instanceof GitHubRateLimitedError
          ? e.message
          : `${(e as Error).message ?? e}`;
      report.errors.push(`${key}: ${message}`);
      logger.warn(`Polling ${key} failed, nothing changed: ${message}`);
    }
  }
  await discoverLabelledPullRequests({
    clients,
    handler,
    logger,
    report,
    known: new Set(pullRequests.keys()),
  });
  report.builds.push(...(await handler.pollBuildWaits(report.errors)));
  return report;
}

/**
 * Recovers missed `labeled` events: lists the open pull requests of every
 * repository of a previews-enabled component and applies each one carrying
 * the label as a `labeled` event (creating is idempotent: components with a
 * live preview are skipped; the policy — drafts, forks, base branches, paths
 * — applies). An error skips that repository and changes nothing.
 */
async function discoverLabelledPullRequests(options: {
  clients: GitHubClientFactory;
  handler: PullRequestHandler;
  logger: LoggerService;
  report: PollReport;
  /** `owner/name#n` of pull requests that already have live label-driven previews. */
  known: Set<string>;
}) {
  const { clients, handler, logger, report, known } = options;
  let repos;
  try {
    repos = await handler.previewRepos();
  } catch (e) {
    report.errors.push(`catalog: ${(e as Error).message ?? e}`);
    logger.warn(
      `Listing previews-enabled components failed, no pull requests discovered: ${e}`,
    );
    return;
  }
  for (const repo of repos) {
    if (clients.rateLimited(repo.host)) continue;
    try {
      const octokit = await clients.forRepo(repo);
      const pulls = await readAllPages(page =>
        octokit.pulls.list({
          owner: repo.owner,
          repo: repo.name,
          state: 'open',
          per_page: 100,
          page,
        }),
      );
      for (const data of pulls) {
        const pr = snapshotOf(data);
        if (pr.state !== 'open' || !pr.labels.includes(handler.label)) continue;
        if (known.has(`${repo.fullName}#${pr.number}`)) continue;
        const outcome = await handler.apply(repo, 'labeled', pr, handler.label);
        report.created.push(...outcome.created);
      }
    } catch (e) {
      const message =
        e instanceof GitHubRateLimitedError
          ? e.message
          : `${(e as Error).message ?? e}`;
      report.errors.push(`${repo.fullName}: ${message}`);
      logger.warn(
        `Listing labelled pull requests of ${repo.fullName} failed, nothing changed: ${message}`,
      );
    }
  }
}
