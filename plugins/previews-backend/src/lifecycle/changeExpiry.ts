import type { PreviewsStore } from '../database/PreviewsStore';
import type { StoredExpiry } from '../types';
import {
  ExpiryState,
  LifecyclePolicy,
  effectiveExpiry,
  initialExpiry,
} from './expiry';

/** What is stored, as an expiry state: previews from before the lifecycle columns get the default TTL from their creation. */
function stateOf(stored: StoredExpiry, policy: LifecyclePolicy): ExpiryState {
  const { ttlExpiresAt, maxExpiresAt, lastActivityAt } = stored;
  if (!ttlExpiresAt || !maxExpiresAt || !lastActivityAt) {
    return {
      ...initialExpiry(new Date(stored.createdAt), policy.ttlHours, policy),
      keep: stored.keep,
      keepLabel: stored.keepLabel,
    };
  }
  return {
    createdAt: stored.createdAt,
    ttlExpiresAt,
    maxExpiresAt,
    ...(stored.extendedUntil ? { extendedUntil: stored.extendedUntil } : {}),
    keep: stored.keep,
    keepLabel: stored.keepLabel,
    lastActivityAt,
  };
}

/**
 * Changes one live preview's expiry state under the policy, storing the
 * effective expiry too (so the reaper and every reader see the same
 * deadline). `change` returns the new state, or undefined to leave it.
 * Returns the state now stored, undefined when the preview is not live.
 */
export async function changeExpiry(
  store: Pick<PreviewsStore, 'modifyExpiry'>,
  id: string,
  policy: LifecyclePolicy,
  change: (state: ExpiryState) => ExpiryState | undefined,
  options: {
    /** Clears the warning mark (extend: the warning may go out again). */
    resetWarning?: boolean;
    /** Clears the warning mark when the new expiry is later than this (moved out of the warning window). */
    resetWarningAfter?: Date;
  } = {},
): Promise<ExpiryState | undefined> {
  let result: ExpiryState | undefined;
  const stored = await store.modifyExpiry(id, current => {
    const state = stateOf(current, policy);
    const next = change(state);
    result = next ?? state;
    if (!next) return undefined;
    const expiresAt = effectiveExpiry(next, policy);
    const resetWarning =
      Boolean(options.resetWarning) ||
      (options.resetWarningAfter !== undefined &&
        (expiresAt === undefined ||
          Date.parse(expiresAt) > options.resetWarningAfter.getTime()));
    return { ...next, ...(expiresAt ? { expiresAt } : {}), resetWarning };
  });
  return stored && result;
}
