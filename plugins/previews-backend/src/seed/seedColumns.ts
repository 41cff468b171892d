import { PreviewSeedStatus, PreviewSpec } from '@backstage-previews/plugin-previews-common';

/**
 * The seed columns of the previews table (migration 20261122f) and how they
 * map to a preview: kept separate so the store only spreads them in.
 */
export interface SeedRow {
  seed?: string | null;
  seed_generation?: number | null;
}

/** What a preview without a database (or from before databases) shows. */
export const NO_SEED: PreviewSeedStatus = { phase: 'none' };

function parseSeed(text: string | null | undefined): PreviewSeedStatus | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value.phase === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `seed` (every preview has one) and the bookkeeping `seedGeneration` of a row. */
export function seedFields(row: SeedRow): { seed: PreviewSeedStatus; seedGeneration: number } {
  return { seed: parseSeed(row.seed) ?? { ...NO_SEED }, seedGeneration: Number(row.seed_generation ?? 1) || 1 };
}

/** Columns for a seed status and generation (those given). */
export function seedColumns(change: { seed?: PreviewSeedStatus; seedGeneration?: number }): SeedRow {
  return {
    ...(change.seed ? { seed: JSON.stringify(change.seed) } : {}),
    ...(change.seedGeneration !== undefined ? { seed_generation: change.seedGeneration } : {}),
  };
}

/** The seed status of a preview just deployed from `spec`: pending with PostgreSQL, else none. */
export function initialSeed(spec: PreviewSpec, generation = 1): PreviewSeedStatus {
  return spec.databases?.postgres ? { phase: 'pending', generation } : { ...NO_SEED };
}

/**
 * The seed status to record after a redeploy with `spec`, or undefined to
 * keep the current one: a database added starts pending, one removed is none.
 */
export function seedAfterRedeploy(
  current: PreviewSeedStatus | undefined,
  spec: PreviewSpec,
  generation: number,
): PreviewSeedStatus | undefined {
  const has = Boolean(spec.databases?.postgres);
  const had = Boolean(current && current.phase !== 'none');
  if (has === had) return undefined;
  return initialSeed(spec, generation);
}

/**
 * Whether an observed seed status should replace the stored one: it changed,
 * and it is not about an older generation than the preview's (the Jobs of
 * the previous generation are still seen for a moment after a reseed).
 */
export function isNewSeed(
  stored: PreviewSeedStatus | undefined,
  observed: PreviewSeedStatus | undefined,
  generation: number,
): observed is PreviewSeedStatus {
  if (!observed) return false;
  if (observed.generation !== undefined && observed.generation < generation) return false;
  return JSON.stringify(observed) !== JSON.stringify(stored);
}
