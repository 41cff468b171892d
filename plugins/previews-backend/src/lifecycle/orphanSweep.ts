import { LoggerService } from '@backstage/backend-plugin-api';
import { LIVE_PREVIEW_STATUSES } from '@backstage-previews/plugin-previews-common';
import { PreviewEngine } from '@backstage-previews/plugin-previews-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import {
  DEFAULT_ORPHAN_SWEEP_LIMITS,
  ManagedObjectSet,
  OrphanSweepLimits,
  findOrphans,
  ownSets,
  sweepRefusal,
} from './orphans';

/** The result of an orphan sweep. */
export interface OrphanSweepReport {
  dryRun: boolean;
  /** Only object sets labelled with this installation id were judged. */
  installationId: string;
  orphans: ManagedObjectSet[];
  deleted: string[];
  errors: string[];
  /** Why nothing was deleted although orphans were found (see sweepRefusal). */
  refused?: string;
}

export interface OrphanSweepDeps {
  store: PreviewsStore;
  engines: ReadonlyMap<string, PreviewEngine>;
  /** This installation's id (see installationId.ts): only object sets labelled with it are judged. */
  installationId: string;
  logger: LoggerService;
}

/**
 * Finds object sets in the clusters that carry a preview id no live preview
 * has. Reports them; deletes them only when `dryRun` is false.
 */
export async function sweepOrphans(
  deps: OrphanSweepDeps,
  options: {
    dryRun: boolean;
    minAgeMinutes?: number;
    limits?: OrphanSweepLimits;
  },
): Promise<OrphanSweepReport> {
  const report: OrphanSweepReport = {
    dryRun: options.dryRun,
    installationId: deps.installationId,
    orphans: [],
    deleted: [],
    errors: [],
  };
  const live = await deps.store.list({ statuses: LIVE_PREVIEW_STATUSES });
  const found: Array<{ engine: PreviewEngine; orphans: ManagedObjectSet[] }> =
    [];
  let managed = 0;
  for (const engine of deps.engines.values()) {
    if (!engine.listManaged) continue;
    const sets = await engine.listManaged();
    const installation = deps.installationId;
    managed += ownSets(sets, installation).length;
    const orphans = findOrphans(
      sets,
      live,
      new Date(),
      installation,
      options.minAgeMinutes,
    );
    report.orphans.push(...orphans);
    found.push({ engine, orphans });
  }
  // Judged over every engine before anything is deleted.
  report.refused = sweepRefusal(
    report.orphans.length,
    managed,
    options.limits ?? DEFAULT_ORPHAN_SWEEP_LIMITS,
  );
  if (report.refused)
    deps.logger.error(`Orphan sweep refused: ${report.refused}`);
  for (const { engine, orphans } of found) {
    if (options.dryRun || report.refused || !engine.destroyOrphan) continue;
    for (const orphan of orphans) {
      try {
        await engine.destroyOrphan(orphan);
        report.deleted.push(orphan.name);
      } catch (e) {
        report.errors.push(`${orphan.name}: ${(e as Error).message}`);
      }
    }
  }
  if (report.orphans.length) {
    const deleted = report.deleted.length
      ? `; deleted ${report.deleted.join(', ')}`
      : '';
    deps.logger.warn(
      `Orphan sweep${options.dryRun ? ' (dry run)' : ''}: ${report.orphans
        .map(o => o.name)
        .join(', ')}${deleted}`,
    );
  }
  return report;
}
