import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ListBranchesResponse } from '@backstage-previews/plugin-previews-common';
import type { PreviewsStore } from '../../database/PreviewsStore';
import type { StoredPreview } from '../../types';
import { PreviewService } from '../../service/PreviewService';
import { validateComponentRef } from '../../service/validation';
import { BranchPickerCache, pickerPage, readPickerItems } from './branchPicker';
import { GitHubClientFactory, GitHubRepo } from './GitHubClientFactory';
import { GitHubReporter } from './deployments';
import { GitHubStore } from './GitHubStore';
import type { LifecycleService } from '../../lifecycle/LifecycleService';
import type { PullRequestLabels } from '../../lifecycle/Reaper';
import type {
  PreviewSourceControl,
  ResolvedPullRequest,
} from '../PreviewSourceControl';
import {
  ACTIVITY_TOPICS,
  pullRequestActivityOf,
  pullRequestLabelsOf,
} from './activity';
import { PullRequestHandler } from './PullRequestHandler';
import { pullRequestLabels } from './pullRequestLabels';
import { PollReport, pollPullRequests } from './prPolling';
import { PullRequestPolicy, policyFromConfig } from './pullRequestEvents';
import { readDurationSetting } from '../../config/durationSetting';

/** How long handled webhook delivery ids are remembered (redeliveries come within hours). */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The GitHub integration of previews, assembled from `previews.github`:
 * reporting (deployments, the sticky comment), the branch picker, pull
 * requests for the create call, webhook handling, activity for the
 * lifecycle and the polling fallback.
 */
export class GitHubPreviews implements PreviewSourceControl {
  readonly clients: GitHubClientFactory;
  readonly reporter: GitHubReporter;
  readonly statusListener: GitHubReporter;
  readonly pullRequestLabels: PullRequestLabels;
  private readonly policy: PullRequestPolicy;
  private readonly picker = new BranchPickerCache();
  /** Built by start(): it drives the use cases. */
  private handler?: PullRequestHandler;

  constructor(
    private readonly options: {
      rootConfig: Config;
      store: PreviewsStore;
      githubStore: GitHubStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      describeExpiry?: (preview: StoredPreview) => string | undefined;
    },
  ) {
    const github = options.rootConfig.getOptionalConfig('previews.github');
    this.clients = GitHubClientFactory.fromConfig(options.rootConfig, {
      defaultHost: github?.getOptionalString('host'),
      timeoutMs:
        (readDurationSetting(github, 'requestTimeoutSeconds') ?? 10) * 1000,
    });
    this.reporter = new GitHubReporter({
      clients: this.clients,
      store: options.store,
      logger: options.logger,
      appBaseUrl: options.rootConfig.getOptionalString('app.baseUrl'),
      describeExpiry: options.describeExpiry,
      requireTestsToPass:
        github?.getOptionalBoolean('requireTestsToPass') ?? false,
    });
    this.statusListener = this.reporter;
    this.policy = policyFromConfig(github);
    this.pullRequestLabels = pullRequestLabels(this.clients, this.policy.label);
  }

  onExpiryChange(preview: StoredPreview): void {
    void this.reporter.refreshComment(preview);
  }

  private started(): PullRequestHandler {
    if (!this.handler)
      throw new ServiceUnavailableError('The GitHub integration is starting');
    return this.handler;
  }

  private async repoOf(
    entityRef: unknown,
    credentials: BackstageCredentials,
  ): Promise<GitHubRepo> {
    const ref = validateComponentRef(entityRef);
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No component ${ref} in the catalog`);
    const repo = this.clients.repoOf(entity);
    if (!repo)
      throw new InputError(
        `${ref} has no GitHub repository: add the annotation github.com/project-slug: owner/name`,
      );
    return repo;
  }

  /** One page of branches and open pull requests of the component's repository. */
  async listBranches(request: {
    entityRef: unknown;
    q?: string;
    page?: number;
    credentials: BackstageCredentials;
  }): Promise<ListBranchesResponse> {
    const repo = await this.repoOf(request.entityRef, request.credentials);
    const items = await this.picker.get(
      `${repo.host}/${repo.fullName}`,
      async () => readPickerItems(await this.clients.forRepo(repo), repo),
    );
    return pickerPage(items, request.q, request.page ?? 1);
  }

  /** The head branch and commit of an open pull request of the component's repository. */
  async resolvePullRequest(
    entityRef: unknown,
    number: number,
    credentials: BackstageCredentials,
  ): Promise<ResolvedPullRequest> {
    const repo = await this.repoOf(entityRef, credentials);
    const octokit = await this.clients.forRepo(repo);
    let data;
    try {
      data = (
        await octokit.pulls.get({
          owner: repo.owner,
          repo: repo.name,
          pull_number: number,
        })
      ).data;
    } catch (e) {
      if ((e as { status?: number }).status === 404)
        throw new NotFoundError(
          `No pull request #${number} in ${repo.fullName}`,
        );
      throw e;
    }
    if (data.state !== 'open')
      throw new InputError(
        `Pull request #${number} of ${repo.fullName} is ${data.state}`,
      );
    const waitFor = await this.started().waitFor(repo, data.head.sha);
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
  async start(deps: {
    service: PreviewService;
    lifecycle: LifecycleService;
    events: EventsService;
    scheduler: SchedulerService;
  }): Promise<void> {
    const { logger } = this.options;
    const github = this.options.rootConfig.getOptionalConfig('previews.github');
    const handler = new PullRequestHandler({
      ...this.options,
      service: deps.service,
      clients: this.clients,
      policy: this.policy,
      requiredCheck: github?.getOptionalString('requiredCheck'),
      onRefused: this.reporter.reportRefused,
    });
    this.handler = handler;
    const subscribe = (
      id: string,
      topic: string,
      handle: (event: EventParams) => Promise<unknown>,
    ) =>
      deps.events.subscribe({
        id,
        topics: [topic],
        onEvent: async event => {
          try {
            await handle(event);
          } catch (e) {
            logger.warn(
              `Handling a GitHub ${topic.replace(
                'github.',
                '',
              )} event failed: ${e}`,
            );
          }
        },
      });
    await subscribe(
      'previews-github-pull-requests',
      'github.pull_request',
      event => handler.onEvent(event),
    );
    // A completed required check deploys (or fails) the previews waiting for it.
    await subscribe('previews-github-check-runs', 'github.check_run', event =>
      handler.onCheckRun(event),
    );
    // Commits, comments and reviews keep a pull request's previews from idling out; labels may keep them.
    await deps.events.subscribe({
      id: 'previews-lifecycle-activity',
      topics: ACTIVITY_TOPICS,
      onEvent: async event => {
        const activity = pullRequestActivityOf(event.topic, event.eventPayload);
        const labels = pullRequestLabelsOf(event.topic, event.eventPayload);
        const pr = activity ?? labels;
        if (!pr) return;
        try {
          await deps.lifecycle.onPullRequestEvent(pr, {
            activity: Boolean(activity),
            ...(labels ? { labels: labels.labels } : {}),
          });
        } catch (e) {
          logger.warn(
            `Recording pull request activity from ${event.topic} failed: ${e}`,
          );
        }
      },
    });
    await deps.scheduler.scheduleTask({
      id: 'previews-github-poll',
      frequency: {
        minutes:
          readDurationSetting(
            this.options.rootConfig.getOptionalConfig('previews.github'),
            'pollIntervalMinutes',
          ) ?? 5,
      },
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
      handler: this.started(),
      logger: this.options.logger,
    });
    await this.pruneDeliveries();
    return report;
  }

  /** Forgets webhook delivery ids older than the retention; errors are logged. */
  async pruneDeliveries(now = Date.now()): Promise<void> {
    try {
      await this.options.githubStore.pruneDeliveries(
        new Date(now - DELIVERY_RETENTION_MS),
      );
    } catch (e) {
      this.options.logger.warn(`Pruning old GitHub delivery ids failed: ${e}`);
    }
  }
}
