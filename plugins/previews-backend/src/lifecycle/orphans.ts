import { Preview } from '@backstage-previews/plugin-previews-common';
import { ManagedObjectSet } from '@backstage-previews/plugin-previews-node';

export type { ManagedObjectSet };

/** Orphans younger than this are left alone: a create may still be writing its record. */
export const ORPHAN_MIN_AGE_MINUTES = 10;

/** The managed object sets of one installation: the only ones its sweep may judge. Pure. */
export function ownSets(
  managed: readonly ManagedObjectSet[],
  installationId: string,
): ManagedObjectSet[] {
  return managed.filter(m => m.installation === installationId);
}

/**
 * The managed object sets that no live preview owns: no live preview has
 * their id. Sets are judged only when they carry this installation's label
 * (another Backstage may deploy previews to the same cluster, and sets from
 * before the label are not provably ours); sets without a preview id are
 * never reported, nor are young ones. Pure.
 */
export function findOrphans(
  managed: readonly ManagedObjectSet[],
  live: readonly Pick<Preview, 'id'>[],
  now: Date,
  installationId: string,
  minAgeMinutes = ORPHAN_MIN_AGE_MINUTES,
): ManagedObjectSet[] {
  const liveIds = new Set(live.map(p => p.id));
  return ownSets(managed, installationId).filter(m => {
    if (!m.previewId || liveIds.has(m.previewId)) return false;
    const created = m.createdAt ? Date.parse(m.createdAt) : NaN;
    return (
      Number.isFinite(created) &&
      now.getTime() - created >= minAgeMinutes * 60_000
    );
  });
}

/** How much one sweep may delete (`previews.orphanSweep.maxCount`, `maxShare`). */
export interface OrphanSweepLimits {
  /** Default 10. */
  maxCount: number;
  /** Of the managed object sets, default 0.5. */
  maxShare: number;
}

export const DEFAULT_ORPHAN_SWEEP_LIMITS: Readonly<OrphanSweepLimits> = {
  maxCount: 10,
  maxShare: 0.5,
};

/**
 * Why a sweep must not delete these orphans, or undefined when it may. Many
 * orphans at once mean something else went wrong (a restored or emptied
 * database, another installation labelling the same cluster): nothing is
 * deleted, and a person looks. Pure.
 */
export function sweepRefusal(
  orphans: number,
  managed: number,
  limits: OrphanSweepLimits,
): string | undefined {
  if (orphans > limits.maxCount) {
    return `${orphans} orphans is more than orphanSweep.maxCount (${limits.maxCount}); nothing was deleted`;
  }
  if (managed > 0 && orphans / managed > limits.maxShare) {
    return `${orphans} of ${managed} managed previews would be orphans, more than orphanSweep.maxShare (${limits.maxShare}); nothing was deleted`;
  }
  return undefined;
}
