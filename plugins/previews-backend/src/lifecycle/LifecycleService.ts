import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  LIVE_PREVIEW_STATUSES,
  Preview,
  PreviewsSummary,
  PreviewsSummaryGroup,
} from '@backstage-previews/plugin-previews-common';
import type { StoredPreview } from '../types';
import { roundMoney } from '../cost/estimateCost';
import {
  ExpiryState,
  LifecyclePolicy,
  expiresSoon,
  extendExpiry,
  validateExtendHours,
  withActivity,
} from './expiry';
import { LifecycleHooks } from './LifecycleHooks';
import type { PreviewsStore } from '../database/PreviewsStore';
import { changeExpiry } from './changeExpiry';
import { phaseStats } from '../timeline/phaseStats';

/** Sleeps and wakes previews (PreviewService does the deploy). */
export interface SleepControl {
  get(id: string): Promise<StoredPreview>;
  setAsleep(
    id: string,
    asleep: boolean,
    credentials: BackstageCredentials,
  ): Promise<Preview>;
}

export interface LifecycleServiceOptions {
  hooks: LifecycleHooks;
  store: PreviewsStore;
  /** The use cases: sleeping and waking deploy through them, reads add links and cost. */
  service: SleepControl;
  /** Called after extend, keep or a keep-label change so the PR comment shows the new expiry. */
  onExpiryChange?: (preview: StoredPreview) => void;
}

/** Extend, keep, sleep, wake, the summary and pull request activity: what users and GitHub ask of the lifecycle. */
export class LifecycleService {
  readonly policy: LifecyclePolicy;

  constructor(private readonly options: LifecycleServiceOptions) {
    this.policy = options.hooks.policy;
  }

  private clock(): Date {
    return this.options.hooks.now();
  }

  private warningHorizon(now: Date) {
    return this.options.hooks.warningHorizon(now);
  }

  /** Records activity on one preview (see LifecycleHooks.touch). */
  touch(id: string, at?: Date): Promise<void> {
    return this.options.hooks.touch(id, at);
  }

  decorate<T extends StoredPreview>(preview: T): T {
    return this.options.hooks.decorate(preview);
  }

  private async live(id: string): Promise<StoredPreview> {
    const preview = await this.options.service.get(id);
    if (
      !LIVE_PREVIEW_STATUSES.includes(preview.status) ||
      preview.status === 'destroying'
    ) {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status}`);
    }
    return preview;
  }

  private async changed(preview: StoredPreview): Promise<StoredPreview> {
    const current = await this.options.service.get(preview.id);
    this.options.onExpiryChange?.(current);
    return this.decorate(current);
  }

  /** `POST /previews/:id/extend`: moves the expiry by whole hours, up to the maximum lifetime. */
  async extend(id: string, hours: unknown): Promise<Preview> {
    const valid = validateExtendHours(hours, this.policy);
    const preview = await this.live(id);
    const now = this.clock();
    await changeExpiry(
      this.options.store,
      preview.id,
      this.policy,
      s => extendExpiry(s, valid, now, this.policy),
      {
        resetWarning: true,
      },
    );
    return this.changed(preview);
  }

  /** `POST /previews/:id/keep`: pins (or unpins) a preview; still bounded by `maxKeepDays`. */
  async keep(id: string, keep: unknown): Promise<Preview> {
    if (typeof keep !== 'boolean')
      throw new InputError('keep must be true or false');
    const preview = await this.live(id);
    await changeExpiry(
      this.options.store,
      preview.id,
      this.policy,
      s => ({ ...s, keep }),
      { resetWarning: true },
    );
    return this.changed(preview);
  }

  /** `POST /previews/:id/sleep`: scales the app workloads to zero (databases stay). */
  async sleep(id: string, credentials: BackstageCredentials): Promise<Preview> {
    if (!this.policy.sleep.enabled) {
      throw new InputError(
        'Sleeping is turned off: set previews.lifecycle.sleep.enabled to true',
      );
    }
    return this.decorate(
      (await this.options.service.setAsleep(
        id,
        true,
        credentials,
      )) as StoredPreview,
    );
  }

  /** `POST /previews/:id/wake`: scales the app workloads back (provisioning, then ready). */
  async wake(id: string, credentials: BackstageCredentials): Promise<Preview> {
    const preview = await this.options.service.setAsleep(
      id,
      false,
      credentials,
    );
    await this.touch(preview.id);
    return this.decorate(await this.options.service.get(preview.id));
  }

  /**
   * Something happened on a pull request (its source control integration
   * tells): commits, comments and reviews are activity of its previews; its
   * labels, when given, say whether the keep label is on.
   */
  async onPullRequestEvent(
    pr: { repo: string; number: number },
    event: { activity: boolean; labels?: string[] },
  ): Promise<string[]> {
    const touched: string[] = [];
    const activity = event.activity;
    const labels = event.labels && { labels: event.labels };
    const ids = await this.options.store.liveIdsOfPullRequest(
      pr.repo,
      pr.number,
    );
    const now = this.clock();
    for (const id of ids) {
      let keepChanged = false;
      await changeExpiry(
        this.options.store,
        id,
        this.policy,
        (s: ExpiryState) => {
          let next = activity ? withActivity(s, now) : s;
          if (labels) {
            const keepLabel = labels.labels.includes(this.policy.keepLabel);
            keepChanged = keepLabel !== s.keepLabel;
            next = { ...next, keepLabel };
          }
          return next === s ? undefined : next;
        },
        { resetWarningAfter: this.warningHorizon(now) },
      );
      if (activity) touched.push(id);
      if (keepChanged) {
        try {
          this.options.onExpiryChange?.(await this.options.service.get(id));
        } catch {
          // the comment refresh is best effort
        }
      }
    }
    return touched;
  }

  /**
   * `GET /summary`: live previews per component and per owner group, from
   * the (decorated) previews the caller may read (destroyed ones count only
   * towards each component's phase times).
   */
  summary(
    previews: ReadonlyArray<Preview & { ownerRef?: string }>,
  ): PreviewsSummary {
    const live = previews.filter(p => LIVE_PREVIEW_STATUSES.includes(p.status));
    const now = this.clock();
    type Item = (typeof live)[number];
    const group = (ref: string, items: Item[]): PreviewsSummaryGroup => {
      let cost = 0;
      for (const p of items) cost += p.cost?.perHour ?? 0;
      const oldest = items.reduce<string | undefined>(
        (o, p) => (!o || p.createdAt < o ? p.createdAt : o),
        undefined,
      );
      return {
        ref,
        live: items.length,
        costPerHour: roundMoney(cost),
        ...(oldest ? { oldest } : {}),
        expiringSoon: items.filter(p =>
          expiresSoon(p.expiresAt, now, this.policy),
        ).length,
      };
    };
    const by = (key: (p: Item) => string) => {
      const groups = new Map<string, Item[]>();
      for (const p of live)
        groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
      return [...groups.entries()]
        .map(([ref, items]) => group(ref, items))
        .sort(
          (a, b) =>
            b.costPerHour - a.costPerHour ||
            b.live - a.live ||
            a.ref.localeCompare(b.ref),
        );
    };
    // Phases over the latest rollout of every preview of the component, destroyed ones too.
    const timelines = new Map<string, Array<Item['timeline']>>();
    for (const p of previews)
      timelines.set(p.entityRef, [
        ...(timelines.get(p.entityRef) ?? []),
        p.timeline,
      ]);
    const withPhases = (g: PreviewsSummaryGroup): PreviewsSummaryGroup => {
      const phases = phaseStats(timelines.get(g.ref) ?? []);
      return Object.keys(phases).length ? { ...g, phases } : g;
    };
    return {
      total: group('total', live),
      byComponent: by(p => p.entityRef).map(withPhases),
      byOwner: by(p => p.ownerRef ?? 'unowned'),
      currency: this.options.hooks.currency,
    };
  }
}
