import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import { PreviewObservation } from '@backstage-previews/plugin-previews-node';
import { PreviewStatusChange } from '../database/PreviewStore';

/**
 * The preview state machine, in one place.
 *
 *   provisioning ──available──▶ ready
 *        │  ▲                    │
 *     failed└──available── failed ◀┘ (workload failed, or its namespace vanished)
 *   provisioning | ready | failed ──user destroy──▶ destroying ──absent──▶ destroyed
 *
 * Only a user (or later: a closed PR, a TTL) starts destruction; an
 * observation never does, so a cluster or API failure cannot delete anything.
 */

/** Statuses a user may destroy from (destroying/destroyed make destroy a no-op). */
export const DESTROYABLE: readonly PreviewStatus[] = ['provisioning', 'ready', 'failed'];

/** What an observation from the cluster changes, or undefined for nothing. */
export function statusAfterObservation(
  current: PreviewStatus,
  observation: PreviewObservation,
  now: string,
): PreviewStatusChange | undefined {
  const { state, message } = observation;
  switch (current) {
    case 'provisioning':
    case 'failed':
      if (state === 'available') return { status: 'ready', statusMessage: null, readyAt: now };
      if (state === 'failed' && (current !== 'failed' || message)) {
        return { status: 'failed', statusMessage: message ?? 'the workload failed' };
      }
      if (state === 'absent') return vanished();
      if (state === 'progressing' && current === 'provisioning') {
        return { status: 'provisioning', statusMessage: message ?? null };
      }
      return undefined;
    case 'ready':
      if (state === 'failed') return { status: 'failed', statusMessage: message ?? 'the workload failed' };
      if (state === 'absent') return vanished();
      return undefined;
    case 'destroying':
      if (state === 'absent') return { status: 'destroyed', statusMessage: null, destroyedAt: now };
      return undefined;
    case 'destroyed':
    default:
      return undefined;
  }
}

function vanished(): PreviewStatusChange {
  return {
    status: 'failed',
    statusMessage: 'its namespace was deleted outside Backstage Previews; destroy the preview and create it again',
  };
}
