import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Preview } from '@backstage-previews/plugin-previews-common';
import {
  HOUR_MS,
  LifecyclePolicy,
  isExpired,
  sleepDue,
  warningDue,
} from './expiry';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { LiveLifecycle } from '../types';
import { changeExpiry } from './changeExpiry';

/** The reaper's calls on pull requests (the source control integration's): the label that asks for a preview. */
export interface PullRequestLabels {
  /** The label that asks for a preview. */
  readonly label: string;
  /** The labels of a pull request now, read from its source control (throws when it cannot tell). */
  labelsOf(repo: string, number: number): Promise<string[]>;
  /** Removes the preview label from a pull request and comments why. */
  removeLabel(repo: string, number: number, comment: string): Promise<void>;
}

/**
 * The hook for traffic-based idleness (not built in): when the last request
 * to a preview's URL was, e.g. from the ingress controller's metrics;
 * undefined when unknown.
 */
export interface PreviewTrafficSource {
  lastRequestAt(preview: {
    id: string;
    name: string;
    namespace?: string;
  }): Promise<Date | undefined>;
}

/** Sends the expiry warning of a preview (a Backstage notification). */
export type ExpiryNotifier = (
  preview: LiveLifecycle,
  message: { title: string; description: string; link?: string },
) => Promise<void>;

/** What one run did. */
export interface ReaperReport {
  destroyed: string[];
  warned: string[];
  slept: string[];
  /** Expired but kept by the keep label found on the pull request. */
  keptByLabel: string[];
  errors: string[];
}

export interface ReaperOptions {
  store: PreviewsStore;
  policy: LifecyclePolicy;
  service: {
    /** With `onlyIfExpiredBy`: only if the stored preview is still expired then. */
    destroy(id: string, options?: { onlyIfExpiredBy?: Date }): Promise<Preview>;
    setAsleep(
      id: string,
      asleep: boolean,
      credentials: BackstageCredentials,
    ): Promise<Preview>;
    get(id: string): Promise<Preview>;
  };
  credentials: () => Promise<BackstageCredentials>;
  logger: LoggerService;
  pullRequests?: PullRequestLabels;
  notify?: ExpiryNotifier;
  /** The sticky PR comment shows the warning (refreshed after it went out). */
  onWarned?: (preview: Preview) => void;
  /** Whether previews of an engine can sleep (only those are put to sleep when idle). */
  canSleep?: (engineId: string) => boolean;
  /**
   * Requests a preview served recently, e.g. from ingress controller metrics:
   * a preview with traffic is not idle. Without one, idle means no activity
   * (PR commits, comments, reviews; extend, redeploy, wake) for
   * `sleep.idleMinutes`.
   */
  traffic?: PreviewTrafficSource;
  /** Where a preview is shown in Backstage (to extend it). */
  linkOf?: (preview: { entityRef: string; id: string }) => string | undefined;
  clock?: () => Date;
}

/** Statuses the reaper may put to sleep. */
const SLEEPABLE = ['ready', 'degraded'];

/**
 * The scheduled lifecycle run (one replica at a time: scope global):
 * destroys expired previews through PreviewService, warns once before
 * expiry, puts idle previews to sleep when sleeping is on. A label-driven
 * preview's label is removed (with a comment saying why) once its pull
 * request has no live label-driven preview left, so polling does not bring
 * it back. Each failure is logged and skips that preview only.
 */
export class Reaper {
  private readonly clock: () => Date;

  constructor(private readonly options: ReaperOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async run(): Promise<ReaperReport> {
    const report: ReaperReport = {
      destroyed: [],
      warned: [],
      slept: [],
      keptByLabel: [],
      errors: [],
    };
    const now = this.clock();
    const live = await this.options.store.listLiveLifecycles();
    const expiredLabelPrs = new Map<
      string,
      { repo: string; number: number; names: string[] }
    >();
    for (const preview of live) {
      if (preview.status === 'destroying') continue;
      try {
        if (isExpired(preview.expiresAt, now)) {
          if (await this.keptByLabel(preview)) {
            report.keptByLabel.push(preview.id);
            continue;
          }
          // The list may be stale: an extend or keep since then wins (the store checks the expiry again).
          const after = await this.options.service.destroy(preview.id, {
            onlyIfExpiredBy: now,
          });
          if (after.status !== 'destroying' && after.status !== 'destroyed') {
            this.options.logger.info(
              `Preview ${preview.name} was extended or kept while the lifecycle round ran; not destroyed`,
            );
            continue;
          }
          report.destroyed.push(preview.id);
          this.options.logger.info(
            `Preview ${preview.name} expired at ${preview.expiresAt}; destroying it`,
          );
          if (preview.trigger === 'label' && preview.repo && preview.prNumber) {
            const key = `${preview.repo}#${preview.prNumber}`;
            const entry = expiredLabelPrs.get(key) ?? {
              repo: preview.repo,
              number: preview.prNumber,
              names: [],
            };
            entry.names.push(preview.name);
            expiredLabelPrs.set(key, entry);
          }
        } else if (
          warningDue(
            preview.expiresAt,
            preview.warnedAt,
            now,
            this.options.policy,
          )
        ) {
          if (await this.options.store.claimExpiryWarning(preview.id, now)) {
            await this.warn(preview, now);
            report.warned.push(preview.id);
          }
        } else if (
          SLEEPABLE.includes(preview.status) &&
          (this.options.canSleep?.(preview.engine) ?? true) &&
          sleepDue(preview.lastActivityAt, now, this.options.policy)
        ) {
          const served = await this.options.traffic?.lastRequestAt(preview);
          // Served recently: not idle.
          if (
            served &&
            !sleepDue(served.toISOString(), now, this.options.policy)
          )
            continue;
          await this.options.service.setAsleep(
            preview.id,
            true,
            await this.options.credentials(),
          );
          report.slept.push(preview.id);
          this.options.logger.info(
            `Preview ${preview.name} idle since ${preview.lastActivityAt}; sleeping`,
          );
        }
      } catch (e) {
        report.errors.push(`${preview.name}: ${(e as Error).message ?? e}`);
        this.options.logger.warn(
          `Lifecycle of preview ${preview.name} failed: ${e}`,
        );
      }
    }
    for (const { repo, number, names } of expiredLabelPrs.values()) {
      await this.releaseLabel(repo, number, names, live, report);
    }
    return report;
  }

  /**
   * Whether the pull request carries the keep label now (read from GitHub:
   * a missed `labeled` event must not destroy a kept preview). When GitHub
   * cannot tell, the preview stays until the next run.
   */
  private async keptByLabel(preview: LiveLifecycle): Promise<boolean> {
    const github = this.options.pullRequests;
    if (!github || !preview.repo || !preview.prNumber) return false;
    const labels = await github.labelsOf(preview.repo, preview.prNumber);
    if (!labels.includes(this.options.policy.keepLabel)) return false;
    await changeExpiry(
      this.options.store,
      preview.id,
      this.options.policy,
      s => ({ ...s, keepLabel: true }),
    );
    this.options.logger.info(
      `Preview ${preview.name} expired but its pull request has ${this.options.policy.keepLabel}; kept`,
    );
    return true;
  }

  private async warn(preview: LiveLifecycle, now: Date) {
    const hours = Math.max(
      1,
      Math.round((Date.parse(preview.expiresAt!) - now.getTime()) / HOUR_MS),
    );
    const link = this.options.linkOf?.(preview);
    const message = {
      title: `Preview ${preview.name} expires in about ${hours} hour${
        hours === 1 ? '' : 's'
      }`,
      description: `The preview of ${preview.entityRef} at ${preview.expiresAt} is destroyed then. Extend or keep it in Backstage if you still need it.`,
      ...(link ? { link } : {}),
    };
    try {
      await this.options.notify?.(preview, message);
    } catch (e) {
      this.options.logger.warn(
        `Sending the expiry warning of preview ${preview.name} failed: ${e}`,
      );
    }
    try {
      this.options.onWarned?.(await this.options.service.get(preview.id));
    } catch (e) {
      this.options.logger.warn(
        `Showing the expiry warning of preview ${preview.name} on its pull request failed: ${e}`,
      );
    }
  }

  private async releaseLabel(
    repo: string,
    number: number,
    names: string[],
    live: LiveLifecycle[],
    report: ReaperReport,
  ) {
    const github = this.options.pullRequests;
    if (!github) return;
    const destroyed = new Set(report.destroyed);
    const others = live.filter(
      p =>
        p.trigger === 'label' &&
        p.repo === repo &&
        p.prNumber === number &&
        !destroyed.has(p.id) &&
        p.status !== 'destroying',
    );
    if (others.length) return; // another component's preview of this PR is still live: the label stays
    const comment =
      `<!-- backstage-previews:expired -->\nThe preview${
        names.length === 1 ? '' : 's'
      } ${names.map(n => `\`${n}\``).join(', ')} ` +
      `expired and ${
        names.length === 1 ? 'was' : 'were'
      } destroyed, so the label \`${github.label}\` was removed. ` +
      `Add the label again for a new preview; add \`${this.options.policy.keepLabel}\` to keep it past its expiry.`;
    try {
      await github.removeLabel(repo, number, comment);
    } catch (e) {
      report.errors.push(`${repo}#${number}: ${(e as Error).message ?? e}`);
      this.options.logger.warn(
        `Removing label ${github.label} from ${repo}#${number} failed: ${e}`,
      );
    }
  }
}
