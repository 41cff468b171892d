import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import { PreviewObservation } from '@backstage-previews/plugin-previews-node';
import type { PreviewStatusChange } from '../types';

/**
 * The preview state machine, in one place.
 *
 *   provisioning ──available──▶ ready ◀──available── degraded
 *        │                        │                     ▲
 *        └──────────── degraded ──┴─────────────────────┘
 *   provisioning | ready | degraded ──namespace vanished──▶ failed
 *     (provisioning: only once absent for longer than PROVISIONING_GRACE_SECONDS)
 *   failed ──available──▶ ready        (deploy errors also end in failed)
 *   any live status ──user destroy──▶ destroying ──absent──▶ destroyed
 *   ready | degraded | failed ──redeploy──▶ provisioning
 *   waiting-for-build ──required check succeeded──▶ provisioning (deployed only now)
 *   waiting-for-build ──required check concluded otherwise──▶ failed
 *   waiting-for-build ──new head commit──▶ waiting-for-build (waits for the new commit's check)
 *   failed (its check failed) ──new head commit──▶ waiting-for-build
 *   ready | degraded ──sleep (idle or on demand)──▶ sleeping ──wake──▶ provisioning
 *   sleeping ──redeploy──▶ provisioning (a redeploy wakes it)
 *
 * `sleeping` (app workloads scaled to zero on purpose) stays sleeping
 * whatever the cluster reports about its workloads; only its namespace
 * vanishing fails it, as for a ready preview.
 *
 * `waiting-for-build` (PR previews with `previews.github.requiredCheck`) has
 * nothing in a cluster: observations do not change it, and destroying it
 * goes straight to `destroyed`.
 *
 * Only an explicit signal (a user; later a closed PR or a TTL) starts
 * destruction; an observation never does, so a cluster or API failure cannot
 * delete anything.
 */

/** Statuses a user may destroy from (destroying/destroyed make destroy a no-op). */
export const DESTROYABLE: readonly PreviewStatus[] = [
  'waiting-for-build',
  'provisioning',
  'ready',
  'degraded',
  'sleeping',
  'failed',
];

/** Statuses a preview can be redeployed from. */
export const REDEPLOYABLE: readonly PreviewStatus[] = [
  'provisioning',
  'ready',
  'degraded',
  'sleeping',
  'failed',
];

/** Statuses a preview can be put to sleep from. */
export const SLEEPABLE: readonly PreviewStatus[] = ['ready', 'degraded'];

/** Statuses a preview may be reseeded from: running, or still rolling out. */
export const RESEEDABLE: readonly PreviewStatus[] = [
  'provisioning',
  'ready',
  'degraded',
];

/**
 * What a completed required check does to a preview waiting for it:
 * success deploys it (provisioning), any other conclusion fails it.
 * Undefined while the check has not completed.
 */
export function statusAfterBuildCheck(check: {
  name: string;
  status?: string;
  conclusion?: string | null;
}): PreviewStatusChange | undefined {
  if (check.status !== undefined && check.status !== 'completed')
    return undefined;
  if (!check.conclusion) return undefined;
  if (check.conclusion === 'success') {
    return {
      status: 'provisioning',
      statusMessage: `check ${check.name} succeeded; rolling out`,
      waitingFor: null,
    };
  }
  // Failed on its check: keeps the check it waited for (its link; a new commit may wait again).
  return {
    status: 'failed',
    statusMessage: `check ${check.name} concluded ${check.conclusion}`,
  };
}

/** After this long in `destroying`, the status message names what blocks the namespace. */
export const DEFAULT_DESTROY_TIMEOUT_SECONDS = 120;

/** How long a provisioning preview may have nothing in the cluster before it counts as vanished. */
export const PROVISIONING_GRACE_SECONDS = 60;

function withinProvisioningGrace(
  since: string | undefined,
  now: string,
): boolean {
  const start = since ? Date.parse(since) : NaN;
  return (
    Number.isFinite(start) &&
    Date.parse(now) - start < PROVISIONING_GRACE_SECONDS * 1000
  );
}

const VANISHED =
  'its namespace was deleted outside Backstage Previews; destroy the preview and create it again';

/** What an observation from the cluster changes, or undefined for nothing. */
export function statusAfterObservation(
  current: PreviewStatus,
  observation: PreviewObservation,
  now: string,
  options: {
    destroyingSince?: string;
    destroyTimeoutSeconds?: number;
    /** When the preview last changed (its `updatedAt`): the start of the provisioning grace. */
    provisioningSince?: string;
  } = {},
): PreviewStatusChange | undefined {
  const { state, message } = observation;
  const degraded = (): PreviewStatusChange => ({
    status: 'degraded',
    statusMessage: message ?? 'a workload does not work',
  });
  switch (current) {
    case 'waiting-for-build':
      // Nothing is applied yet: the cluster has nothing to say.
      return undefined;
    case 'provisioning':
      if (state === 'available')
        return { status: 'ready', statusMessage: null, readyAt: now };
      if (state === 'degraded') return degraded();
      if (state === 'progressing')
        return { status: 'provisioning', statusMessage: message ?? null };
      // A preview recorded `provisioning` just before its objects are applied
      // (or by another replica) has nothing in the cluster yet: only absent
      // for longer than the grace means its namespace is really gone.
      if (
        state === 'absent' &&
        withinProvisioningGrace(options.provisioningSince, now)
      )
        return undefined;
      return { status: 'failed', statusMessage: VANISHED };
    case 'ready':
      if (state === 'degraded') return degraded();
      if (state === 'absent' || state === 'terminating')
        return { status: 'failed', statusMessage: VANISHED };
      return undefined;
    case 'degraded':
      if (state === 'available')
        return { status: 'ready', statusMessage: null, readyAt: now };
      if (state === 'degraded') return degraded();
      if (state === 'absent' || state === 'terminating')
        return { status: 'failed', statusMessage: VANISHED };
      return undefined;
    case 'sleeping':
      if (state === 'absent' || state === 'terminating')
        return { status: 'failed', statusMessage: VANISHED };
      return undefined;
    case 'failed':
      if (state === 'available')
        return { status: 'ready', statusMessage: null, readyAt: now };
      if (state === 'degraded') return degraded();
      return undefined;
    case 'destroying': {
      if (state === 'absent')
        return { status: 'destroyed', statusMessage: null, destroyedAt: now };
      const timeout =
        (options.destroyTimeoutSeconds ?? DEFAULT_DESTROY_TIMEOUT_SECONDS) *
        1000;
      const since = options.destroyingSince
        ? Date.parse(options.destroyingSince)
        : NaN;
      if (state === 'terminating' && Date.parse(now) - since >= timeout) {
        const blockers = observation.details?.blockers ?? [];
        return {
          status: 'destroying',
          statusMessage: `Still terminating after ${Math.round(
            (Date.parse(now) - since) / 1000,
          )} s: ${
            blockers.length
              ? blockers.join('; ')
              : 'the namespace controller has not finished'
          }`,
        };
      }
      return undefined;
    }
    case 'destroyed':
    default:
      return undefined;
  }
}
