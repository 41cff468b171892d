import { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  LIVE_PREVIEW_STATUSES,
  Preview,
  PreviewSpec,
  PreviewsSummary,
  PreviewsSummaryGroup,
} from '@backstage-previews/plugin-previews-common';
import { PreviewStore, StoredPreview } from '../database/PreviewStore';
import { CostPrices, estimateCost, roundMoney } from '../cost/estimateCost';
import { DefaultRequests, ResourceFootprint, footprintOf } from '../cost/footprint';
import {
  ExpiryState,
  HOUR_MS,
  LifecyclePolicy,
  effectiveExpiry,
  extendExpiry,
  initialExpiry,
  ttlHoursOf,
  validateExtendHours,
  withActivity,
} from './expiry';
import { LifecycleStore } from './LifecycleStore';
import { NewPreviewLifecycle } from './lifecycleColumns';
import { QuotaLimits, quotaRefusal } from './quotas';
import { pullRequestActivityOf, pullRequestLabelsOf } from './activity';

/** What PreviewService asks of the lifecycle (issue 8) when it creates, deploys and shows previews. */
export interface PreviewLifecycleHooks {
  /** Checks the quotas (409, nothing created) and gives the lifecycle of the new preview. */
  beforeCreate(input: { entity: Entity; entityRef: string; createdBy?: string; spec: PreviewSpec }): Promise<{
    createdAt: string;
    lifecycle: NewPreviewLifecycle;
  }>;
  /** After a redeploy or wake: records the activity and the spec's footprint. */
  afterDeploy(preview: Preview, spec: PreviewSpec): Promise<void>;
  /** Adds the cost; drops the bookkeeping. */
  decorate<T extends StoredPreview>(preview: T): T;
}

/** Sleeps and wakes previews (PreviewService does the deploy). */
export interface SleepControl {
  get(id: string): Promise<StoredPreview>;
  setAsleep(id: string, asleep: boolean, credentials: BackstageCredentials): Promise<Preview>;
}

export interface LifecycleServiceOptions {
  store: PreviewStore;
  lifecycleStore: LifecycleStore;
  policy: LifecyclePolicy;
  quotas: QuotaLimits;
  /** `previews.cost`; no cost shown without it. */
  prices?: CostPrices;
  /** Default container requests (the LimitRange's), for workloads that set none. */
  defaultRequests?: DefaultRequests;
  service: () => SleepControl;
  logger: LoggerService;
  /** Called after extend, keep or a keep-label change so the PR comment shows the new expiry. */
  onExpiryChange?: (preview: StoredPreview) => void;
  clock?: () => Date;
}

/** Owner group of a component, as an entity ref. */
export function ownerRefOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }),
    );
  } catch {
    return undefined;
  }
}

/** Extend, keep, sleep, wake, the summary, PR activity; and the lifecycle part of create and deploy. */
export class LifecycleService implements PreviewLifecycleHooks {
  readonly policy: LifecyclePolicy;
  private readonly clock: () => Date;

  constructor(private readonly options: LifecycleServiceOptions) {
    this.policy = options.policy;
    this.clock = options.clock ?? (() => new Date());
  }

  now(): Date {
    return this.clock();
  }

  footprintOf(spec: PreviewSpec): ResourceFootprint {
    return footprintOf(spec, this.options.defaultRequests, this.options.prices?.spotTolerationKey);
  }

  async beforeCreate(input: { entity: Entity; entityRef: string; createdBy?: string; spec: PreviewSpec }) {
    const ttl = ttlHoursOf(input.entity.metadata.annotations, this.policy);
    const ownerRef = ownerRefOf(input.entity);
    // Previews already being destroyed do not count.
    const live = (await this.options.lifecycleStore.listLive()).filter(p => p.status !== 'destroying');
    const refusal = quotaRefusal(
      live,
      { entityRef: input.entityRef, ownerRef, createdBy: input.createdBy },
      this.options.quotas,
    );
    if (refusal) throw new ConflictError(refusal);
    const now = this.clock();
    const state = initialExpiry(now, ttl, this.policy);
    return {
      createdAt: state.createdAt,
      lifecycle: {
        ttlExpiresAt: state.ttlExpiresAt,
        expiresAt: effectiveExpiry(state, this.policy),
        maxExpiresAt: state.maxExpiresAt,
        lastActivityAt: state.lastActivityAt,
        ...(ownerRef ? { ownerRef } : {}),
        footprint: this.footprintOf(input.spec),
      },
    };
  }

  async afterDeploy(preview: Preview, spec: PreviewSpec): Promise<void> {
    await this.options.lifecycleStore.setFootprint(preview.id, this.footprintOf(spec));
    await this.touch(preview.id);
  }

  decorate<T extends StoredPreview>(preview: T): T {
    const { footprint, ...rest } = preview;
    const prices = this.options.prices;
    if (!footprint || !prices || preview.status === 'destroyed') return rest as T;
    return {
      ...rest,
      cost: estimateCost(footprint, prices, {
        now: this.clock(),
        expiresAt: preview.expiresAt,
        asleep: preview.status === 'sleeping',
      }),
    } as T;
  }

  /** Records activity on one preview: the idle timer starts again. */
  async touch(id: string, at = this.clock()): Promise<void> {
    await this.options.lifecycleStore.modify(id, this.policy, s => withActivity(s, at), { resetWarningAfter: this.warningHorizon(at) });
  }

  private warningHorizon(now: Date) {
    return new Date(now.getTime() + this.policy.warningHours * HOUR_MS);
  }

  private async live(id: string): Promise<StoredPreview> {
    const preview = await this.options.service().get(id);
    if (!LIVE_PREVIEW_STATUSES.includes(preview.status) || preview.status === 'destroying') {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status}`);
    }
    return preview;
  }

  private async changed(preview: StoredPreview): Promise<StoredPreview> {
    const current = await this.options.service().get(preview.id);
    this.options.onExpiryChange?.(current);
    return this.decorate(current);
  }

  /** `POST /previews/:id/extend`: moves the expiry by whole hours, up to the maximum lifetime. */
  async extend(id: string, hours: unknown): Promise<Preview> {
    const valid = validateExtendHours(hours, this.policy);
    const preview = await this.live(id);
    const now = this.clock();
    await this.options.lifecycleStore.modify(preview.id, this.policy, s => extendExpiry(s, valid, now, this.policy), {
      resetWarning: true,
    });
    return this.changed(preview);
  }

  /** `POST /previews/:id/keep`: pins (or unpins) a preview; still bounded by `maxKeepDays`. */
  async keep(id: string, keep: unknown): Promise<Preview> {
    if (typeof keep !== 'boolean') throw new InputError('keep must be true or false');
    const preview = await this.live(id);
    await this.options.lifecycleStore.modify(preview.id, this.policy, s => ({ ...s, keep }), { resetWarning: true });
    return this.changed(preview);
  }

  /** `POST /previews/:id/sleep`: scales the app workloads to zero (databases stay). */
  async sleep(id: string, credentials: BackstageCredentials): Promise<Preview> {
    if (!this.policy.sleep.enabled) {
      throw new InputError('Sleeping is turned off: set previews.lifecycle.sleep.enabled to true');
    }
    return this.decorate((await this.options.service().setAsleep(id, true, credentials)) as StoredPreview);
  }

  /** `POST /previews/:id/wake`: scales the app workloads back (provisioning, then ready). */
  async wake(id: string, credentials: BackstageCredentials): Promise<Preview> {
    const preview = await this.options.service().setAsleep(id, false, credentials);
    await this.touch(preview.id);
    return this.decorate(await this.options.service().get(preview.id));
  }

  /**
   * A GitHub event: commits, comments and reviews on a pull request are
   * activity of its previews; its labels say whether the keep label is on.
   */
  async onGitHubEvent(topic: string, payload: unknown): Promise<string[]> {
    const touched: string[] = [];
    const activity = pullRequestActivityOf(topic, payload);
    const labels = pullRequestLabelsOf(topic, payload);
    const pr = activity ?? labels;
    if (!pr) return touched;
    const ids = await this.options.lifecycleStore.liveIdsOfPullRequest(pr.repo, pr.number);
    const now = this.clock();
    for (const id of ids) {
      let keepChanged = false;
      await this.options.lifecycleStore.modify(
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
          this.options.onExpiryChange?.(await this.options.service().get(id));
        } catch {
          // the comment refresh is best effort
        }
      }
    }
    return touched;
  }

  /**
   * `GET /summary`: live previews per component and per owner group, from
   * the (decorated) previews the caller may read.
   */
  summary(previews: ReadonlyArray<Preview & { ownerRef?: string }>): PreviewsSummary {
    const live = previews.filter(p => LIVE_PREVIEW_STATUSES.includes(p.status));
    const now = this.clock();
    const soon = this.warningHorizon(now).getTime();
    type Item = (typeof live)[number];
    const group = (ref: string, previews: Item[]): PreviewsSummaryGroup => {
      let cost = 0;
      for (const p of previews) cost += p.cost?.perHour ?? 0;
      const oldest = previews.reduce<string | undefined>((o, p) => (!o || p.createdAt < o ? p.createdAt : o), undefined);
      return {
        ref,
        live: previews.length,
        costPerHour: roundMoney(cost),
        ...(oldest ? { oldest } : {}),
        expiringSoon: previews.filter(p => p.expiresAt && Date.parse(p.expiresAt) <= soon).length,
      };
    };
    const by = (key: (p: Item) => string) => {
      const groups = new Map<string, Item[]>();
      for (const p of live) groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
      return [...groups.entries()]
        .map(([ref, previews]) => group(ref, previews))
        .sort((a, b) => b.costPerHour - a.costPerHour || b.live - a.live || a.ref.localeCompare(b.ref));
    };
    return {
      total: group('total', live),
      byComponent: by(p => p.entityRef),
      byOwner: by(p => p.ownerRef ?? 'unowned'),
      currency: this.options.prices?.currency ?? 'USD',
    };
  }
}
