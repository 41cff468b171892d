import { AuthService, BackstageCredentials, LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { InputError, NotFoundError } from '@backstage/errors';
import { ListBranchesResponse, PreviewPullRequest } from '@backstage-previews/plugin-previews-common';
import type { PreviewsStore } from '../../database/PreviewsStore';
import type { StoredPreview } from '../../types';
import { PreviewService } from '../../service/PreviewService';
import { validateComponentRef } from '../../service/validation';
import { BranchPickerCache, pickerPage, readPickerItems } from './branchPicker';
import { GitHubClientFactory, GitHubRepo } from './GitHubClientFactory';
import { GitHubReporter } from './deployments';
import { GitHubStore } from './GitHubStore';
import { PullRequestHandler } from './PullRequestHandler';
import { PollReport, pollPullRequests } from './prPolling';
import { policyFromConfig } from './pullRequestEvents';

/** A pull request resolved for `POST /previews`. */
export interface ResolvedPullRequest {
  branch: string;
  sha: string;
  pullRequest: PreviewPullRequest;
  repo: string;
  /** The GitHub host of `repo`. */
  repoHost: string;
  /** Set when `previews.github.requiredCheck` has not succeeded for the head commit. */
  waitFor?: { check: string; url: string };
}

/** How long handled webhook delivery ids are remembered (redeliveries come within hours). */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** GitHub's clients and the reporter of previews to pull requests. */
export interface GitHubReporting {
  clients: GitHubClientFactory;
  reporter: GitHubReporter;
}

/** The GitHub clients of `previews.github` and the reporter that uses them. */
export function githubReportingFromConfig(
  rootConfig: Config,
  options: { store: PreviewsStore; logger: LoggerService; describeExpiry?: (preview: StoredPreview) => string | undefined },
): GitHubReporting {
  const github = rootConfig.getOptionalConfig('previews.github');
  const clients = GitHubClientFactory.fromConfig(rootConfig, {
    defaultHost: github?.getOptionalString('host'),
    timeoutMs: (github?.getOptionalNumber('requestTimeoutSeconds') ?? 10) * 1000,
  });
  const reporter = new GitHubReporter({
    clients,
    store: options.store,
    logger: options.logger,
    appBaseUrl: rootConfig.getOptionalString('app.baseUrl'),
    describeExpiry: options.describeExpiry,
  });
  return { clients, reporter };
}

/**
 * The GitHub integration of previews, assembled from config: the branch
 * picker, pull requests for the create call, webhook handling, reporting
 * and the polling fallback.
 */
export class GitHubPreviews {
  readonly clients: GitHubClientFactory;
  readonly handler: PullRequestHandler;
  readonly reporter: GitHubReporter;
  private readonly picker = new BranchPickerCache();

  constructor(
    private readonly options: {
      rootConfig: Config;
      store: PreviewsStore;
      githubStore: GitHubStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** The clients and the reporter (a status listener, so built before the service). */
      reporting: GitHubReporting;
      /** The use cases pull requests drive. */
      service: PreviewService;
    },
  ) {
    const github = options.rootConfig.getOptionalConfig('previews.github');
    this.clients = options.reporting.clients;
    this.reporter = options.reporting.reporter;
    this.handler = new PullRequestHandler({
      service: options.service,
      store: options.store,
      githubStore: options.githubStore,
      catalog: options.catalog,
      auth: options.auth,
      clients: this.clients,
      policy: policyFromConfig(github),
      logger: options.logger,
      requiredCheck: github?.getOptionalString('requiredCheck'),
      onRefused: this.reporter.reportRefused,
    });
  }

  private async repoOf(entityRef: unknown, credentials: BackstageCredentials): Promise<GitHubRepo> {
    const ref = validateComponentRef(entityRef);
    const entity = await this.options.catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No component ${ref} in the catalog`);
    const repo = this.clients.repoOf(entity);
    if (!repo) throw new InputError(`${ref} has no GitHub repository: add the annotation github.com/project-slug: owner/name`);
    return repo;
  }

  /** One page of branches and open pull requests of the component's repository. */
  async listBranches(request: { entityRef: unknown; q?: string; page?: number; credentials: BackstageCredentials }): Promise<ListBranchesResponse> {
    const repo = await this.repoOf(request.entityRef, request.credentials);
    const items = await this.picker.get(`${repo.host}/${repo.fullName}`, async () =>
      readPickerItems(await this.clients.forRepo(repo), repo),
    );
    return pickerPage(items, request.q, request.page ?? 1);
  }

  /** The head branch and commit of an open pull request of the component's repository. */
  async resolvePullRequest(entityRef: unknown, number: number, credentials: BackstageCredentials): Promise<ResolvedPullRequest> {
    const repo = await this.repoOf(entityRef, credentials);
    const octokit = await this.clients.forRepo(repo);
    let data;
    try {
      data = (await octokit.pulls.get({ owner: repo.owner, repo: repo.name, pull_number: number })).data;
    } catch (e) {
      if ((e as { status?: number }).status === 404) throw new NotFoundError(`No pull request #${number} in ${repo.fullName}`);
      throw e;
    }
    if (data.state !== 'open') throw new InputError(`Pull request #${number} of ${repo.fullName} is ${data.state}`);
    const waitFor = await this.handler.waitFor(repo, data.head.sha);
    return {
      ...(waitFor ? { waitFor: waitFor.wait } : {}),
      branch: data.head.ref,
      sha: data.head.sha,
      pullRequest: { number, title: data.title, url: data.html_url },
      repo: repo.fullName,
      repoHost: repo.host,
    };
  }

  /**
   * Subscribes to pull request and check run events, and schedules the
   * polling fallback for missed webhooks (destroys only on a state GitHub
   * returned; creates for labelled PRs; completes build waits), which also
   * forgets delivery ids older than a week.
   */
  async start(deps: { events: EventsService; scheduler: SchedulerService }): Promise<void> {
    const { logger } = this.options;
    const subscribe = (id: string, topic: string, handle: (event: EventParams) => Promise<unknown>) =>
      deps.events.subscribe({
        id,
        topics: [topic],
        onEvent: async event => {
          try {
            await handle(event);
          } catch (e) {
            logger.warn(`Handling a GitHub ${topic.replace('github.', '')} event failed: ${e}`);
          }
        },
      });
    await subscribe('previews-github-pull-requests', 'github.pull_request', event => this.handler.onEvent(event));
    // A completed required check deploys (or fails) the previews waiting for it.
    await subscribe('previews-github-check-runs', 'github.check_run', event => this.handler.onCheckRun(event));
    await deps.scheduler.scheduleTask({
      id: 'previews-github-poll',
      frequency: { minutes: this.options.rootConfig.getOptionalNumber('previews.github.pollIntervalMinutes') ?? 5 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 30 },
      scope: 'global',
      fn: async () => {
        await this.poll();
      },
    });
  }

  /** One polling round (the scheduled fallback for missed webhooks), then forgets old delivery ids. */
  async poll(): Promise<PollReport> {
    const report = await pollPullRequests({
      store: this.options.store,
      clients: this.clients,
      handler: this.handler,
      logger: this.options.logger,
    });
    await this.pruneDeliveries();
    return report;
  }

  /** Forgets webhook delivery ids older than the retention; errors are logged. */
  async pruneDeliveries(now = Date.now()): Promise<void> {
    try {
      await this.options.githubStore.pruneDeliveries(new Date(now - DELIVERY_RETENTION_MS));
    } catch (e) {
      this.options.logger.warn(`Pruning old GitHub delivery ids failed: ${e}`);
    }
  }
}
