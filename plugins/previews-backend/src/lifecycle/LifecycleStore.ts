import { Knex } from 'knex';
import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import { ResourceFootprint } from '../cost/footprint';
import { ExpiryState, LifecyclePolicy, effectiveExpiry, initialExpiry } from './expiry';
import type { LifecycleListRow as Row } from '../database/tables';

/** What the reaper needs to know of a live preview. */
export interface LiveLifecycle {
  id: string;
  name: string;
  /** Its namespace (for the Kubernetes engine), e.g. to read its ingress traffic. */
  namespace?: string;
  entityRef: string;
  engine: string;
  status: PreviewStatus;
  trigger?: 'portal' | 'label';
  repo?: string;
  prNumber?: number;
  createdBy?: string;
  ownerRef?: string;
  createdAt: string;
  expiresAt?: string;
  warnedAt?: string;
  lastActivityAt?: string;
  keep: boolean;
  keepLabel: boolean;
}

const iso = (v: string | Date) => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrUndefined = (v: string | Date | null | undefined) => (v ? iso(v) : undefined);

/** The expiry state of a row; previews from before the lifecycle columns get the default TTL from their creation. */
function stateOf(row: Row, policy: LifecyclePolicy): ExpiryState {
  if (!row.ttl_expires_at || !row.max_expires_at || !row.last_activity_at) {
    return { ...initialExpiry(new Date(iso(row.created_at)), policy.ttlHours, policy), keep: Boolean(row.keep), keepLabel: Boolean(row.keep_label) };
  }
  return {
    createdAt: iso(row.created_at),
    ttlExpiresAt: iso(row.ttl_expires_at),
    maxExpiresAt: iso(row.max_expires_at),
    ...(row.extended_until ? { extendedUntil: iso(row.extended_until) } : {}),
    keep: Boolean(row.keep),
    keepLabel: Boolean(row.keep_label),
    lastActivityAt: iso(row.last_activity_at),
  };
}

/**
 * The lifecycle columns of the previews table: reads and compare-free
 * read-modify-writes of one preview's expiry state (the effective expiry is
 * stored too, so the reaper and every reader see the same deadline).
 */
export class LifecycleStore {
  constructor(private readonly db: Knex) {}

  private get locks(): boolean {
    return /^(pg|postgres)/.test(String(this.db.client.config?.client ?? ''));
  }

  /**
   * Changes one live preview's expiry state in a transaction (row locked on
   * Postgres); `change` returns the new state, or undefined to leave it.
   * Returns the new state, undefined when the preview is not live.
   */
  async modify(
    id: string,
    policy: LifecyclePolicy,
    change: (state: ExpiryState) => ExpiryState | undefined,
    options: {
      /** Clears `warned_at` (extend: the warning may go out again). */
      resetWarning?: boolean;
      /** Clears `warned_at` when the new expiry is later than this (moved out of the warning window). */
      resetWarningAfter?: Date;
    } = {},
  ): Promise<ExpiryState | undefined> {
    return this.db.transaction(async trx => {
      const query = trx<Row>('previews').where({ id }).whereNotNull('live_key');
      const row = await (this.locks ? query.forUpdate() : query).first();
      if (!row) return undefined;
      const next = change(stateOf(row, policy));
      if (!next) return stateOf(row, policy);
      const expiresAt = effectiveExpiry(next, policy);
      const reset =
        options.resetWarning ||
        (options.resetWarningAfter !== undefined &&
          (expiresAt === undefined || Date.parse(expiresAt) > options.resetWarningAfter.getTime()));
      await trx<Row>('previews')
        .where({ id })
        .update({
          ttl_expires_at: next.ttlExpiresAt,
          max_expires_at: next.maxExpiresAt,
          extended_until: next.extendedUntil ?? null,
          keep: next.keep,
          keep_label: next.keepLabel,
          last_activity_at: next.lastActivityAt,
          expires_at: expiresAt ?? null,
          ...(reset ? { warned_at: null } : {}),
        });
      return next;
    });
  }

  /** Live previews of a pull request (ids). */
  async liveIdsOfPullRequest(repo: string, number: number): Promise<string[]> {
    const rows = await this.db<Row>('previews')
      .whereRaw('lower(repo) = ?', [repo.toLowerCase()])
      .where({ pr_number: number })
      .whereNotNull('live_key')
      .select('id');
    return rows.map(r => r.id);
  }

  /** Every live preview with its lifecycle. */
  async listLive(): Promise<LiveLifecycle[]> {
    const rows = await this.db<Row>('previews').whereNotNull('live_key').orderBy('created_at', 'asc');
    return rows.map(row => ({
      id: row.id,
      name: row.name,
      ...(row.namespace ? { namespace: row.namespace } : {}),
      entityRef: row.entity_ref,
      engine: row.engine,
      status: row.status,
      ...(row.trigger === 'label' || row.trigger === 'portal' ? { trigger: row.trigger } : {}),
      ...(row.repo ? { repo: row.repo } : {}),
      ...(row.pr_number ? { prNumber: Number(row.pr_number) } : {}),
      ...(row.created_by ? { createdBy: row.created_by } : {}),
      ...(row.owner_ref ? { ownerRef: row.owner_ref } : {}),
      createdAt: iso(row.created_at),
      expiresAt: isoOrUndefined(row.expires_at),
      warnedAt: isoOrUndefined(row.warned_at),
      lastActivityAt: isoOrUndefined(row.last_activity_at),
      keep: Boolean(row.keep),
      keepLabel: Boolean(row.keep_label),
    }));
  }

  /**
   * Claims the expiry warning of a preview: true for exactly one caller
   * (the warning is sent once, whichever replica or run gets here first).
   */
  async claimWarning(id: string, now: Date): Promise<boolean> {
    const count = await this.db<Row>('previews').where({ id }).whereNull('warned_at').update({ warned_at: now.toISOString() });
    return count === 1;
  }

  /** Stores the resources a preview requests (after a deploy from a new spec). */
  async setFootprint(id: string, footprint: ResourceFootprint): Promise<void> {
    await this.db<Row>('previews').where({ id }).update({ resources: JSON.stringify(footprint) });
  }
}
