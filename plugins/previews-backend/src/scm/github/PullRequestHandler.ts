import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { EventParams } from '@backstage/plugin-events-node';
import { isPreviewsAvailable } from '@backstage-previews/plugin-previews-common';
import { PreviewStore } from '../../database/PreviewStore';
import { REDEPLOYABLE } from '../../lifecycle/previewLifecycle';
import { PreviewService } from '../../service/PreviewService';
import {
  GITHUB_PROJECT_SLUG_ANNOTATION,
  GitHubClientFactory,
  GitHubRepo,
  parseSlug,
  readAllPages,
} from './GitHubClientFactory';
import { GitHubStore } from './GitHubStore';
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
      store: PreviewStore;
      githubStore: GitHubStore;
      catalog: CatalogService;
      auth: AuthService;
      clients: GitHubClientFactory;
      policy: PullRequestPolicy;
      logger: LoggerService;
    },
  ) {}

  /** Handles a `github.pull_request` event; a delivery id seen before is skipped. */
  async onEvent(event: EventParams): Promise<PullRequestOutcome | undefined> {
    const payload = event.eventPayload as any;
    const delivery = event.metadata?.['x-github-delivery'];
    const deliveryId = Array.isArray(delivery) ? delivery[0] : delivery;
    if (!payload?.pull_request || !payload?.repository?.full_name) return undefined;
    if (deliveryId && !(await this.options.githubStore.claimDelivery(deliveryId))) {
      this.options.logger.info(`GitHub delivery ${deliveryId} was handled before; skipping`);
      return undefined;
    }
    let host = this.options.clients.defaultHost;
    try {
      if (payload.repository.html_url) host = new URL(payload.repository.html_url).host;
    } catch {
      // keep the default host
    }
    const repo = parseSlug(payload.repository.full_name, host);
    if (!repo) return undefined;
    return this.apply(repo, String(payload.action), snapshotOf(payload.pull_request), payload.label?.name);
  }

  /** Decides and applies one action for a pull request state. */
  async apply(repo: GitHubRepo, action: string, pr: PullRequestSnapshot, label?: string): Promise<PullRequestOutcome> {
    const { githubStore, policy, logger } = this.options;
    const known = await githubStore.getPullRequest(repo.fullName, pr.number);
    let decision = decidePullRequestAction({ action, label, pr, known, policy });
    if (decision.type !== 'ignore') {
      await githubStore.recordPullRequest(repo.fullName, pr.number, {
        state: pr.state,
        headSha: pr.headSha,
        updatedAt: pr.updatedAt,
        labels: pr.labels,
      });
    }
    if (decision.type === 'create' && policy.paths.length) {
      const files = await this.changedFiles(repo, pr.number);
      if (!matchesPaths(files, policy.paths)) {
        decision = { type: 'ignore', reason: `no changed file matches ${policy.paths.join(', ')}` };
      }
    }
    const outcome: PullRequestOutcome = { action: decision, created: [], redeployed: [], destroyed: [] };
    logger.info(`${repo.fullName}#${pr.number} ${action}: ${decision.type}${'reason' in decision ? ` (${decision.reason})` : ''}`);
    if (decision.type === 'ignore') return outcome;

    const credentials = await this.options.auth.getOwnServiceCredentials();
    const live = await this.options.store.listLiveByPullRequest(repo.fullName, pr.number);
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
        if (preview.sha === decision.sha || !REDEPLOYABLE.includes(preview.status)) continue;
        try {
          await this.options.service.redeploy(preview.id, { sha: decision.sha, credentials });
          outcome.redeployed.push(preview.id);
        } catch (e) {
          logger.warn(`Redeploying preview ${preview.name} at ${decision.sha} failed: ${e}`);
        }
      }
      if (live.length) return outcome;
      // No preview yet (e.g. the label came while the PR was a draft): create one.
    }
    for (const entity of await this.componentsOf(repo)) {
      const entityRef = stringifyEntityRef(entity);
      if (live.some(p => p.entityRef === entityRef)) continue;
      try {
        const preview = await this.options.service.create({
          entityRef,
          branch: pr.headRef,
          sha: pr.headSha,
          credentials,
          pullRequest: { number: pr.number, ...(pr.title ? { title: pr.title } : {}), ...(pr.url ? { url: pr.url } : {}) },
          repo: repo.fullName,
          trigger: 'label',
        });
        outcome.created.push(preview.id);
      } catch (e) {
        if (e instanceof ConflictError) {
          logger.info(`${entityRef} already has a preview of ${pr.headRef}: ${e.message}`);
        } else {
          logger.warn(`Creating a preview of ${entityRef} for ${repo.fullName}#${pr.number} failed: ${e}`);
        }
      }
    }
    return outcome;
  }

  /** Every catalog component with previews enabled whose `github.com/project-slug` is the repository. */
  async componentsOf(repo: GitHubRepo): Promise<Entity[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      { filter: { kind: 'Component', [`metadata.annotations.${GITHUB_PROJECT_SLUG_ANNOTATION}`]: repo.fullName } },
      { credentials },
    );
    return items.filter(
      e =>
        isPreviewsAvailable(e) &&
        e.metadata.annotations?.[GITHUB_PROJECT_SLUG_ANNOTATION]?.toLowerCase() === repo.fullName.toLowerCase(),
    );
  }

  private async changedFiles(repo: GitHubRepo, number: number): Promise<string[]> {
    const octokit = await this.options.clients.forRepo(repo);
    const files = await readAllPages(page =>
      octokit.pulls.listFiles({ owner: repo.owner, repo: repo.name, pull_number: number, per_page: 100, page }),
    );
    return files.flatMap(f => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
  }
}
