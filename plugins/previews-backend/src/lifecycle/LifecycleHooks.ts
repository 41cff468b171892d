import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import {
  Preview,
  PreviewSpec,
} from '@backstage-previews/plugin-previews-common';
import { PreviewResourceRequests } from '@backstage-previews/plugin-previews-node';
import type { ResourceFootprint, StoredPreview } from '../types';
import { CostPrices, estimateCost } from '../cost/estimateCost';
import { footprintFrom } from '../cost/footprint';
import {
  HOUR_MS,
  LifecyclePolicy,
  effectiveExpiry,
  expiresSoon,
  initialExpiry,
  ttlHoursOf,
  withActivity,
} from './expiry';
import type { PreviewsStore } from '../database/PreviewsStore';
import { changeExpiry } from './changeExpiry';
import type { NewPreviewLifecycle } from '../types';
import { QuotaLimits, quotaRefusal } from './quotas';

/** What PreviewService asks of the lifecycle (issue 8) when it creates, deploys and shows previews. */
export interface PreviewLifecycleHooks {
  /** Checks the quotas (409, nothing created) and gives the lifecycle of the new preview. */
  beforeCreate(input: {
    entity: Entity;
    entityRef: string;
    createdBy?: string;
    spec: PreviewSpec;
    /** What its engine says it requests (engines without `requestsOf` show no cost). */
    requests?: PreviewResourceRequests;
  }): Promise<{
    createdAt: string;
    lifecycle: NewPreviewLifecycle;
  }>;
  /** After a redeploy or wake: records the activity and the spec's footprint. */
  afterDeploy(
    preview: Preview,
    spec: PreviewSpec,
    requests?: PreviewResourceRequests,
  ): Promise<void>;
  /** Adds the cost and whether it expires soon; drops the bookkeeping. */
  decorate<T extends StoredPreview>(preview: T): T;
}

/** Owner group of a component, as an entity ref. */
export function ownerRefOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

export interface LifecycleHooksOptions {
  store: PreviewsStore;
  policy: LifecyclePolicy;
  quotas: QuotaLimits;
  /** `previews.cost`; no cost shown without it. */
  prices?: CostPrices;
  clock?: () => Date;
}

/**
 * The lifecycle part of creating, deploying and showing a preview: quotas
 * and expiry at creation, activity and footprint after a deploy, the cost
 * of every preview shown. It needs nothing of the use cases, so
 * PreviewService is built with it; the user's actions are LifecycleService.
 */
export class LifecycleHooks implements PreviewLifecycleHooks {
  readonly policy: LifecyclePolicy;
  private readonly clock: () => Date;

  constructor(private readonly options: LifecycleHooksOptions) {
    this.policy = options.policy;
    this.clock = options.clock ?? (() => new Date());
  }

  /** The currency of the cost shown. */
  get currency(): string {
    return this.options.prices?.currency ?? 'USD';
  }

  now(): Date {
    return this.clock();
  }

  private footprintOf(
    spec: PreviewSpec,
    requests: PreviewResourceRequests | undefined,
  ): ResourceFootprint | undefined {
    return (
      requests &&
      footprintFrom(requests, spec, this.options.prices?.spotTolerationKey)
    );
  }

  async beforeCreate(
    input: Parameters<PreviewLifecycleHooks['beforeCreate']>[0],
  ) {
    const ttl = ttlHoursOf(input.entity.metadata.annotations, this.policy);
    const ownerRef = ownerRefOf(input.entity);
    // Previews already being destroyed do not count.
    const live = (await this.options.store.listLiveLifecycles()).filter(
      p => p.status !== 'destroying',
    );
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
        ...(input.requests
          ? { footprint: this.footprintOf(input.spec, input.requests) }
          : {}),
      },
    };
  }

  async afterDeploy(
    preview: Preview,
    spec: PreviewSpec,
    requests?: PreviewResourceRequests,
  ): Promise<void> {
    const footprint = this.footprintOf(spec, requests);
    if (footprint) await this.options.store.setFootprint(preview.id, footprint);
    await this.touch(preview.id);
  }

  decorate<T extends StoredPreview>(preview: T): T {
    const { footprint, ...bookkept } = preview;
    const live =
      preview.status !== 'destroying' && preview.status !== 'destroyed';
    const rest = live
      ? {
          ...bookkept,
          expiringSoon: expiresSoon(
            preview.expiresAt,
            this.clock(),
            this.policy,
          ),
        }
      : bookkept;
    const prices = this.options.prices;
    if (!footprint || !prices || preview.status === 'destroyed')
      return rest as T;
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
    await changeExpiry(
      this.options.store,
      id,
      this.policy,
      s => withActivity(s, at),
      { resetWarningAfter: this.warningHorizon(at) },
    );
  }

  /** Until when an expiry counts as soon (and a warning as due). */
  warningHorizon(now: Date) {
    return new Date(now.getTime() + this.policy.warningHours * HOUR_MS);
  }
}
