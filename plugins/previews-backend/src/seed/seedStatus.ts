import {
  PreviewSeedStatus,
  PreviewSpec,
} from '@backstage-previews/plugin-previews-common';
import { NO_SEED } from '../database/tables';

/** The seed status of a preview just deployed from `spec`: pending with PostgreSQL, else none. */
export function initialSeed(
  spec: PreviewSpec,
  generation = 1,
): PreviewSeedStatus {
  return spec.databases?.postgres
    ? { phase: 'pending', generation }
    : { ...NO_SEED };
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
  if (observed.generation !== undefined && observed.generation < generation)
    return false;
  return JSON.stringify(observed) !== JSON.stringify(stored);
}
