import { Preview } from '@backstage-previews/plugin-previews-common';

/** A set of preview objects in a cluster (a namespace, for the Kubernetes engine). */
export interface ManagedObjectSet {
  name: string;
  previewId?: string;
  cluster?: string;
  createdAt?: string;
}

/** Orphans younger than this are left alone: a create may still be writing its record. */
export const ORPHAN_MIN_AGE_MINUTES = 10;

/**
 * The managed object sets that no live preview owns: no live preview has
 * their id. Objects without an id are never reported (we cannot prove they
 * are ours to delete), nor are young ones. Pure.
 */
export function findOrphans(
  managed: readonly ManagedObjectSet[],
  live: readonly Pick<Preview, 'id'>[],
  now: Date,
  minAgeMinutes = ORPHAN_MIN_AGE_MINUTES,
): ManagedObjectSet[] {
  const liveIds = new Set(live.map(p => p.id));
  return managed.filter(m => {
    if (!m.previewId || liveIds.has(m.previewId)) return false;
    const created = m.createdAt ? Date.parse(m.createdAt) : NaN;
    return Number.isFinite(created) && now.getTime() - created >= minAgeMinutes * 60_000;
  });
}
