import { ResourceFootprint } from '../cost/footprint';

/**
 * The lifecycle columns of the previews table (migration 20261122g) and how
 * they map to a preview: kept separate so the store only spreads them in.
 */
export interface LifecycleRow {
  ttl_expires_at?: string | Date | null;
  expires_at?: string | Date | null;
  max_expires_at?: string | Date | null;
  extended_until?: string | Date | null;
  keep?: boolean | number | null;
  keep_label?: boolean | number | null;
  last_activity_at?: string | Date | null;
  warned_at?: string | Date | null;
  owner_ref?: string | null;
  resources?: string | null;
}

/** The lifecycle of a new preview, written by the store's insert. */
export interface NewPreviewLifecycle {
  ttlExpiresAt: string;
  expiresAt?: string;
  maxExpiresAt: string;
  lastActivityAt: string;
  ownerRef?: string;
  footprint?: ResourceFootprint;
}

/** Bookkeeping a stored preview carries for lifecycle and cost (not part of the API). */
export interface LifecycleBookkeeping {
  /** Owner group of its component at creation. */
  ownerRef?: string;
  /** Requested resources, priced into `cost`. */
  footprint?: ResourceFootprint;
}

const iso = (v: string | Date) => (v instanceof Date ? v : new Date(v)).toISOString();

export function lifecycleColumns(lifecycle: NewPreviewLifecycle | undefined): LifecycleRow {
  if (!lifecycle) return {};
  return {
    ttl_expires_at: lifecycle.ttlExpiresAt,
    expires_at: lifecycle.expiresAt ?? null,
    max_expires_at: lifecycle.maxExpiresAt,
    last_activity_at: lifecycle.lastActivityAt,
    keep: false,
    keep_label: false,
    owner_ref: lifecycle.ownerRef?.slice(0, 255) ?? null,
    resources: lifecycle.footprint ? JSON.stringify(lifecycle.footprint) : null,
  };
}

function parseFootprint(text: string | null | undefined): ResourceFootprint | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API fields (expiresAt, maxExpiresAt, keep, lastActivityAt) and bookkeeping of a row. */
export function lifecycleFields(row: LifecycleRow) {
  const keep = Boolean(row.keep) || Boolean(row.keep_label);
  const footprint = parseFootprint(row.resources);
  return {
    ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
    ...(row.max_expires_at ? { maxExpiresAt: iso(row.max_expires_at) } : {}),
    ...(row.ttl_expires_at ? { keep } : {}),
    ...(row.last_activity_at ? { lastActivityAt: iso(row.last_activity_at) } : {}),
    ...(row.owner_ref ? { ownerRef: row.owner_ref } : {}),
    ...(footprint ? { footprint } : {}),
  };
}
