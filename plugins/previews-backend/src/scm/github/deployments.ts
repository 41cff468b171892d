import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PreviewStatus,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';
import { Octokit } from '@octokit/rest';
import type { PreviewsStore } from '../../database/PreviewsStore';
import type { StoredPreview } from '../../types';
import {
  GitHubClientFactory,
  GitHubRepo,
  parseSlug,
  readAllPages,
} from './GitHubClientFactory';
import {
  PreviewSection,
  findStickyComment,
  upsertSection,
} from './stickyComment';
import { checkRunReport, testsLine } from './checkRuns';

type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive';

/** The GitHub Deployment status that reports a preview status; undefined for none. */
export function deploymentStateOf(
  status: PreviewStatus,
): DeploymentState | undefined {
  switch (status) {
    case 'provisioning':
      return 'in_progress';
    case 'ready':
      return 'success';
    case 'degraded':
    case 'failed':
      return 'failure';
    case 'destroying':
    case 'destroyed':
      return 'inactive';
    default:
      return undefined;
  }
}

/** The environment name of a preview's Deployment: `preview/<component>/pr-<n>`. */
export function environmentOf(preview: StoredPreview): string {
  const component = preview.entityRef.replace(/^component:(default\/)?/, '');
  return `preview/${component}/pr-${preview.pullRequest?.number}`;
}

/**
 * Reports previews of pull requests back to GitHub: one Deployment per
 * preview with its statuses, and one sticky comment per pull request with a
 * section per component. Work for one pull request runs in order; failures
 * are logged and never reach the preview lifecycle.
 */
export class GitHubReporter {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      clients: GitHubClientFactory;
      store: PreviewsStore;
      logger: LoggerService;
      /** Base URL of the Backstage app, for links to the Previews tab. */
      appBaseUrl?: string;
      /** The expiry line of a preview's comment section (from the lifecycle policy). */
      describeExpiry?: (preview: StoredPreview) => string | undefined;
      /** `previews.github.requireTestsToPass`: the comment shows the URL only once the smoke tests passed. */
      requireTestsToPass?: boolean;
    },
  ) {}

  /** The PreviewService status hook. */
  onStatusChange = (
    preview: StoredPreview,
    previous: PreviewStatus | undefined,
  ): Promise<void> => {
    if (!preview.repo || !preview.pullRequest) return Promise.resolve();
    const key = `${preview.repo}#${preview.pullRequest.number}`;
    const next = (this.queues.get(key) ?? Promise.resolve())
      .then(() => this.report(preview, previous))
      .catch(e =>
        this.options.logger.warn(
          `Reporting preview ${preview.name} to GitHub failed: ${e}`,
        ),
      );
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return next;
  };

  /** A smoke test run started or ended: its check run on the head commit, and the comment's Tests line. */
  onTestRun = (
    preview: StoredPreview,
    tests: PreviewTestRun,
  ): Promise<void> => {
    if (!preview.repo || !preview.pullRequest) return Promise.resolve();
    return this.enqueue(
      `${preview.repo}#${preview.pullRequest.number}`,
      `the smoke tests of ${preview.name}`,
      async () => {
        const repo = parseSlug(preview.repo, this.options.clients.defaultHost);
        if (!repo) return;
        const octokit = await this.options.clients.forRepo(repo);
        await this.reportCheckRun(octokit, repo, preview, tests);
        const current = (await this.options.store.get(preview.id)) ?? preview;
        await this.reportComment(octokit, repo, current, current.status);
      },
    );
  };

  /** Creates the run's check run, or updates the one that reports it already (found by its external id). */
  private async reportCheckRun(
    octokit: Octokit,
    repo: GitHubRepo,
    preview: StoredPreview,
    tests: PreviewTestRun,
  ) {
    const report = checkRunReport(preview, tests, this.portalUrl(preview));
    if (!report) return;
    const { owner, name } = repo;
    const existing = await octokit.checks.listForRef({
      owner,
      repo: name,
      ref: report.head_sha,
      check_name: report.name,
      filter: 'all',
      per_page: 100,
    });
    const mine = existing.data.check_runs.find(
      r => r.external_id === report.external_id,
    );
    if (mine) {
      const { head_sha: _sha, ...update } = report;
      await octokit.checks.update({
        owner,
        repo: name,
        check_run_id: mine.id,
        ...update,
      });
    } else {
      await octokit.checks.create({ owner, repo: name, ...report });
    }
  }

  /** Re-renders a preview's section of the sticky comment (its expiry changed or its warning went out). */
  refreshComment = (preview: StoredPreview): Promise<void> => {
    if (!preview.repo || !preview.pullRequest) return Promise.resolve();
    return this.enqueue(
      `${preview.repo}#${preview.pullRequest.number}`,
      `preview ${preview.name}`,
      async () => {
        const repo = parseSlug(preview.repo, this.options.clients.defaultHost);
        if (!repo) return;
        const octokit = await this.options.clients.forRepo(repo);
        const current = (await this.options.store.get(preview.id)) ?? preview;
        await this.reportComment(octokit, repo, current, current.status);
      },
    );
  };

  /**
   * Tells the pull request why a labelled create was refused (an invalid or
   * untrusted spec at its head): its component's section of the sticky
   * comment says `refused` with the reason, since no preview exists to show it.
   */
  reportRefused = (
    repo: GitHubRepo,
    pullRequest: number,
    refusal: { entityRef: string; sha: string; message: string },
  ): Promise<void> =>
    this.enqueue(
      `${repo.fullName}#${pullRequest}`,
      `the refusal of ${refusal.entityRef}`,
      async () => {
        const octokit = await this.options.clients.forRepo(repo);
        await this.upsertComment(octokit, repo, pullRequest, {
          entityRef: refusal.entityRef,
          status: 'refused',
          sha: refusal.sha,
          statusMessage: refusal.message,
        });
      },
    );

  private enqueue(
    key: string,
    what: string,
    work: () => Promise<void>,
  ): Promise<void> {
    const next = (this.queues.get(key) ?? Promise.resolve())
      .then(work)
      .catch(e =>
        this.options.logger.warn(`Reporting ${what} to GitHub failed: ${e}`),
      );
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return next;
  }

  /** Resolves when everything queued so far has been reported (tests). */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  private async report(
    preview: StoredPreview,
    _previous: PreviewStatus | undefined,
  ) {
    const repo = parseSlug(preview.repo, this.options.clients.defaultHost);
    if (!repo) return;
    const octokit = await this.options.clients.forRepo(repo);
    // The newest record: the hook may run after later changes.
    const current = (await this.options.store.get(preview.id)) ?? preview;
    await this.reportDeployment(
      octokit,
      repo.owner,
      repo.name,
      current,
      preview.status,
    );
    await this.reportComment(octokit, repo, current, preview.status);
  }

  private async reportDeployment(
    octokit: Octokit,
    owner: string,
    repo: string,
    preview: StoredPreview,
    status: PreviewStatus,
  ) {
    const state = deploymentStateOf(status);
    if (!state) return;
    let deploymentId = preview.githubDeploymentId;
    if (!deploymentId) {
      if (state === 'inactive') return;
      const created = await octokit.repos.createDeployment({
        owner,
        repo,
        ref: preview.sha ?? preview.branch,
        environment: environmentOf(preview),
        transient_environment: true,
        production_environment: false,
        auto_merge: false,
        required_contexts: [],
        description: `Backstage preview ${preview.name}`,
      });
      const id = (created.data as { id?: number }).id;
      if (!id)
        throw new Error(
          `GitHub did not create a deployment: ${JSON.stringify(
            created.data,
          ).slice(0, 200)}`,
        );
      deploymentId = String(id);
      await this.options.store.setGithubDeploymentId(preview.id, deploymentId);
    }
    await octokit.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: Number(deploymentId),
      state,
      description: (preview.statusMessage ?? status).slice(0, 140),
      ...(state === 'success' && preview.url
        ? { environment_url: preview.url }
        : {}),
      ...(this.portalUrl(preview) ? { log_url: this.portalUrl(preview) } : {}),
      auto_inactive: false,
    });
  }

  private portalUrl(preview: StoredPreview) {
    if (!this.options.appBaseUrl) return undefined;
    const [kind, rest] = preview.entityRef.split(':');
    const [namespace, name] = rest.split('/');
    return `${this.options.appBaseUrl.replace(
      /\/$/,
      '',
    )}/catalog/${namespace}/${kind}/${name}/previews`;
  }

  private async reportComment(
    octokit: Octokit,
    target: GitHubRepo,
    preview: StoredPreview,
    status: PreviewStatus,
  ) {
    const withheld =
      this.options.requireTestsToPass &&
      preview.tests &&
      preview.tests.status !== 'passed';
    await this.upsertComment(octokit, target, preview.pullRequest!.number, {
      entityRef: preview.entityRef,
      status,
      url: withheld ? undefined : preview.url,
      ...(withheld ? { urlWithheld: 'shown once the smoke tests pass' } : {}),
      tests: testsLine(preview.tests),
      sha: preview.sha,
      statusMessage: preview.statusMessage,
      portalUrl: this.portalUrl(preview),
      expiry: this.options.describeExpiry?.(preview),
    });
  }

  /** Writes one component's section into the pull request's sticky comment (the bot's own), creating it when missing. */
  private async upsertComment(
    octokit: Octokit,
    target: GitHubRepo,
    issue_number: number,
    section: PreviewSection,
  ) {
    const { owner, name: repo } = target;
    const comments = await readAllPages(page =>
      octokit.issues.listComments({
        owner,
        repo,
        issue_number,
        per_page: 100,
        page,
      }),
    );
    const sticky = findStickyComment(
      comments,
      await this.options.clients.identityOf(target.host, octokit),
    );
    const body = upsertSection(sticky?.body ?? undefined, section);
    if (sticky) {
      if (sticky.body !== body)
        await octokit.issues.updateComment({
          owner,
          repo,
          comment_id: sticky.id,
          body,
        });
    } else {
      await octokit.issues.createComment({ owner, repo, issue_number, body });
    }
  }
}
