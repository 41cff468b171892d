import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { EventParams } from '@backstage/plugin-events-node';
import { isPreviewsAvailable } from '@backstage-previews/plugin-previews-common';
import type { PreviewsStore } from '../../database/PreviewsStore';
import { REDEPLOYABLE } from '../../lifecycle/previewLifecycle';
import { PreviewService } from '../../service/PreviewService';
import { canWaitAgain } from '../../service/BuildWaits';
import {
  GITHUB_PROJECT_SLUG_ANNOTATION,
  GitHubClientFactory,
  GitHubRepo,
  parseSlug,
  readAllPages,
} from './GitHubClientFactory';
import { GitHubStore } from './GitHubStore';
import {
  BuildCheckState,
  checkSucceeded,
  commitChecksUrl,
  readBuildCheck,
} from './buildChecks';
import {
  PullRequestAction,
  PullRequestPolicy,
  PullRequestSnapshot,
  decidePullRequestAction,
  matchesPaths,
  snapshotOf,
} from './pullRequestEvents';

/** What handling one event or one polled state did, for logs and tests. */
export interface PullRequestOutcome {
  action: PullRequestAction;
  created: string[];
  redeployed: string[];
  destroyed: string[];
  /** Waiting previews moved to the new head commit. */
  retargeted: string[];
}

/**
 * Applies pull request events (webhooks through the Backstage events
 * service, or states read by the polling fallback) to previews: the policy
 * decides, this class finds the components and calls PreviewService.
 */
export class PullRequestHandler {
  constructor(
    private readonly options: {
      service: PreviewService;
      store: PreviewsStore;
      githubStore: GitHubStore;
      catalog: CatalogService;
      auth: AuthService;
      clients: GitHubClientFactory;
      policy: PullRequestPolicy;
      logger: LoggerService;
      /** `previews.github.requiredCheck`: previews wait for this check run of their commit. */
      requiredCheck?: string;
      /** Tells the pull request why a create was refused (bad input: an invalid or untrusted spec at its head). */
      onRefused?: (
        repo: GitHubRepo,
        pullRequest: number,
        refusal: { entityRef: string; sha: string; message: string },
      ) => Promise<void>;
    },
  ) {}

  /**
   * The required check of a commit, when one is configured. A failed read
   * counts as pending (the polling fallback reads it again).
   */
  private async buildCheck(
    repo: GitHubRepo,
    sha: string,
  ): Promise<BuildCheckState | undefined> {
    const name = this.options.requiredCheck;
    if (!name) return undefined;
    try {
      return await readBuildCheck(this.options.clients, repo, sha, name);
    } catch (e) {
      this.options.logger.warn(
        `Reading check ${name} of ${repo.fullName}@${sha} failed; waiting for it: ${e}`,
      );
      return {
        name,
        sha,
        status: 'queued',
        conclusion: null,
        url: commitChecksUrl(repo, sha),
      };
    }
  }

  /** What a create waits for: undefined when no check is required or it has succeeded. */
  async waitFor(
    repo: GitHubRepo,
    sha: string,
  ): Promise<
    { check: BuildCheckState; wait: { check: string; url: string } } | undefined
  > {
    const check = await this.buildCheck(repo, sha);
    if (!check || checkSucceeded(check)) return undefined;
    return { check, wait: { check: check.name, url: check.url } };
  }

  /** Applies a completed check to a waiting preview (deploys or fails it); errors are logged. */
  private async settle(
    previewId: string,
    check: BuildCheckState,
  ): Promise<boolean> {
    if (check.status !== 'completed') return false;
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      return Boolean(
        await this.options.service.onBuildCheck(previewId, check, credentials),
      );
    } catch (e) {
      this.options.logger.warn(
        `Applying check ${check.name} of ${check.sha} to preview ${previewId} failed: ${e}`,
      );
      return false;
    }
  }

  /** Handles a `github.check_run` event: a completed required check deploys (or fails) the previews waiting for it. */
  async onCheckRun(event: EventParams): Promise<string[]> {
    const payload = event.eventPayload as any;
    const run = payload?.check_run;
    const name = this.options.requiredCheck;
    if (
      !name ||
      payload?.action !== 'completed' ||
      run?.name !== name ||
      !run?.head_sha ||
      !payload?.repository?.full_name
    ) {
      return [];
    }
    const delivery = event.metadata?.['x-github-delivery'];
    const deliveryId = Array.isArray(delivery) ? delivery[0] : delivery;
    if (
      deliveryId &&
      !(await this.options.githubStore.claimDelivery(deliveryId))
    )
      return [];
    const fullName = String(payload.repository.full_name).toLowerCase();
    const waiting = (
      await this.options.store.list({ statuses: ['waiting-for-build'] })
    ).filter(p => p.repo?.toLowerCase() === fullName && p.sha === run.head_sha);
    const check: BuildCheckState = {
      name,
      sha: String(run.head_sha),
      status: String(run.status ?? 'completed'),
      conclusion: run.conclusion ?? null,
      url: run.html_url
        ? String(run.html_url)
        : `https://${this.options.clients.defaultHost}/${payload.repository.full_name}/commit/${run.head_sha}/checks`,
    };
    const changed: string[] = [];
    for (const preview of waiting) {
      if (await this.settle(preview.id, check)) changed.push(preview.id);
    }
    if (waiting.length) {
      this.options.logger.info(
        `Check ${name} of ${payload.repository.full_name}@${check.sha} ${check.conclusion}: ${changed.length} preview(s) changed`,
      );
    }
    return changed;
  }

  /** Polling fallback for missed `check_run` events: reads the check of every waiting preview. Errors change nothing. */
  async pollBuildWaits(errors: string[] = []): Promise<string[]> {
    if (!this.options.requiredCheck) return [];
    const changed: string[] = [];
    for (const preview of await this.options.store.list({
      statuses: ['waiting-for-build'],
    })) {
      const repo = parseSlug(preview.repo, this.options.clients.defaultHost);
      if (!repo || !preview.sha) continue;
      try {
        const check = await readBuildCheck(
          this.options.clients,
          repo,
          preview.sha,
          this.options.requiredCheck,
        );
        if (await this.settle(preview.id, check)) changed.push(preview.id);
      } catch (e) {
        errors.push(`${preview.name}: ${(e as Error).message ?? e}`);
        this.options.logger.warn(
          `Reading check ${this.options.requiredCheck} for preview ${preview.name} failed, nothing changed: ${e}`,
        );
      }
    }
    return changed;
  }

  /** Handles a `github.pull_request` event; a delivery id seen before is skipped. */
  async onEvent(event: EventParams): Promise<PullRequestOutcome | undefined> {
    const payload = event.eventPayload as any;
    const delivery = event.metadata?.['x-github-delivery'];
    const deliveryId = Array.isArray(delivery) ? delivery[0] : delivery;
    if (!payload?.pull_request || !payload?.repository?.full_name)
      return undefined;
    if (
      deliveryId &&
      !(await this.options.githubStore.claimDelivery(deliveryId))
    ) {
      this.options.logger.info(
        `GitHub delivery ${deliveryId} was handled before; skipping`,
      );
      return undefined;
    }
    let host = this.options.clients.defaultHost;
    try {
      if (payload.repository.html_url)
        host = new URL(payload.repository.html_url).host;
    } catch {
      // keep the default host
    }
    const repo = parseSlug(payload.repository.full_name, host);
    if (!repo) return undefined;
    return this.apply(
      repo,
      String(payload.action),
      snapshotOf(payload.pull_request),
      payload.label?.name,
    );
  }

  /** Decides and applies one action for a pull request state. */
  async apply(
    repo: GitHubRepo,
    action: string,
    pr: PullRequestSnapshot,
    label?: string,
  ): Promise<PullRequestOutcome> {
    const { githubStore, policy, logger } = this.options;
    const known = await githubStore.getPullRequest(repo, pr.number);
    let decision = decidePullRequestAction({
      action,
      label,
      pr,
      known,
      policy,
    });
    if (decision.type !== 'ignore') {
      await githubStore.recordPullRequest(repo, pr.number, {
        state: pr.state,
        headSha: pr.headSha,
        updatedAt: pr.updatedAt,
        labels: pr.labels,
      });
    }
    if (decision.type === 'create' && policy.paths.length) {
      const files = await this.changedFiles(repo, pr.number);
      if (!matchesPaths(files, policy.paths)) {
        decision = {
          type: 'ignore',
          reason: `no changed file matches ${policy.paths.join(', ')}`,
        };
      }
    }
    const outcome: PullRequestOutcome = {
      action: decision,
      created: [],
      redeployed: [],
      destroyed: [],
      retargeted: [],
    };
    logger.info(
      `${repo.fullName}#${pr.number} ${action}: ${decision.type}${
        'reason' in decision ? ` (${decision.reason})` : ''
      }`,
    );
    if (decision.type === 'ignore') return outcome;

    const credentials = await this.options.auth.getOwnServiceCredentials();
    const live = await this.options.store.listLiveByPullRequest(
      repo,
      pr.number,
      this.options.clients.defaultHost,
    );
    if (decision.type === 'destroy') {
      for (const preview of live) {
        if (decision.labelOnly && preview.trigger !== 'label') continue;
        if (preview.status === 'destroying') continue;
        await this.options.service.destroy(preview.id);
        outcome.destroyed.push(preview.id);
      }
      return outcome;
    }
    if (decision.type === 'redeploy') {
      for (const preview of live) {
        if (preview.sha !== decision.sha && canWaitAgain(preview)) {
          // Waits for the new commit's check instead (which may already be done).
          const check = await this.buildCheck(repo, decision.sha);
          const wait = {
            check: check?.name ?? this.options.requiredCheck ?? 'build',
            url: check?.url ?? commitChecksUrl(repo, decision.sha),
          };
          if (
            await this.options.service.retargetBuildWait(
              preview.id,
              decision.sha,
              wait,
            )
          )
            outcome.retargeted.push(preview.id);
          if (check) await this.settle(preview.id, check);
          continue;
        }
        if (
          preview.sha === decision.sha ||
          !REDEPLOYABLE.includes(preview.status)
        )
          continue;
        try {
          await this.options.service.redeploy(preview.id, {
            sha: decision.sha,
            credentials,
          });
          outcome.redeployed.push(preview.id);
        } catch (e) {
          logger.warn(
            `Redeploying preview ${preview.name} at ${decision.sha} failed: ${e}`,
          );
        }
      }
      if (live.length) return outcome;
      // No preview yet (e.g. the label came while the PR was a draft): create one.
    }
    let waitFor: Awaited<ReturnType<PullRequestHandler['waitFor']>> | null =
      null;
    for (const entity of await this.componentsOf(repo)) {
      const entityRef = stringifyEntityRef(entity);
      if (live.some(p => p.entityRef === entityRef)) continue;
      try {
        if (waitFor === null) waitFor = await this.waitFor(repo, pr.headSha);
        const preview = await this.options.service.create({
          entityRef,
          branch: pr.headRef,
          sha: pr.headSha,
          credentials,
          pullRequest: {
            number: pr.number,
            ...(pr.title ? { title: pr.title } : {}),
            ...(pr.url ? { url: pr.url } : {}),
          },
          repo: repo.fullName,
          repoHost: repo.host,
          trigger: 'label',
          ...(waitFor ? { waitFor: waitFor.wait } : {}),
        });
        outcome.created.push(preview.id);
        // Already failed: the preview says so at once.
        if (waitFor) await this.settle(preview.id, waitFor.check);
      } catch (e) {
        if (e instanceof ConflictError) {
          logger.info(
            `${entityRef} already has a preview of ${pr.headRef}: ${e.message}`,
          );
        } else if (e instanceof InputError) {
          logger.warn(
            `Creating a preview of ${entityRef} for ${repo.fullName}#${pr.number} was refused: ${e.message}`,
          );
          await this.options.onRefused?.(repo, pr.number, {
            entityRef,
            sha: pr.headSha,
            message: e.message,
          });
        } else {
          logger.warn(
            `Creating a preview of ${entityRef} for ${repo.fullName}#${pr.number} failed: ${e}`,
          );
        }
      }
    }
    return outcome;
  }

  /** The repositories of every catalog component with previews enabled (by `github.com/project-slug`). */
  async previewRepos(): Promise<GitHubRepo[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          'metadata.annotations.backstage-previews.io/enabled': 'true',
        },
      },
      { credentials },
    );
    const repos = new Map<string, GitHubRepo>();
    for (const entity of items) {
      if (!isPreviewsAvailable(entity)) continue;
      const repo = this.options.clients.repoOf(entity);
      if (repo) repos.set(`${repo.host}/${repo.fullName}`.toLowerCase(), repo);
    }
    return [...repos.values()];
  }

  /** The policy's label. */
  get label(): string {
    return this.options.policy.label;
  }

  /** Every catalog component with previews enabled whose `github.com/project-slug` is the repository. */
  async componentsOf(repo: GitHubRepo): Promise<Entity[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          [`metadata.annotations.${GITHUB_PROJECT_SLUG_ANNOTATION}`]:
            repo.fullName,
        },
      },
      { credentials },
    );
    return items.filter(
      e =>
        isPreviewsAvailable(e) &&
        e.metadata.annotations?.[
          GITHUB_PROJECT_SLUG_ANNOTATION
        ]?.toLowerCase() === repo.fullName.toLowerCase(),
    );
  }

  private async changedFiles(
    repo: GitHubRepo,
    number: number,
  ): Promise<string[]> {
    const octokit = await this.options.clients.forRepo(repo);
    const files = await readAllPages(page =>
      octokit.pulls.listFiles({
        owner: repo.owner,
        repo: repo.name,
        pull_number: number,
        per_page: 100,
        page,
      }),
    );
    return files.flatMap(f => [
      f.filename,
      ...(f.previous_filename ? [f.previous_filename] : []),
    ]);
  }
}
