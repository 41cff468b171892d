import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { PreviewResourceRequests } from '@backstage-previews/plugin-previews-node';
import type { ResourceFootprint } from '../types';

/** Node labels and taint keys that mean spot capacity when `spotTolerationKey` is not configured. */
export const WELL_KNOWN_SPOT_KEYS: readonly string[] = [
  'spot',
  'cloud.google.com/gke-spot',
  'karpenter.sh/capacity-type',
  'eks.amazonaws.com/capacityType',
  'kubernetes.azure.com/scalesetpriority',
];

/**
 * Whether the spec targets spot nodes: a toleration with the spot key, or a
 * node selector with it as key (or, for `spot`, as a value such as `pool: spot`).
 */
export function targetsSpot(
  spec: Pick<PreviewSpec, 'tolerations' | 'nodeSelector'>,
  spotKey?: string,
): boolean {
  const keys = spotKey ? [spotKey] : WELL_KNOWN_SPOT_KEYS;
  if (spec.tolerations?.some(t => t.key !== undefined && keys.includes(t.key)))
    return true;
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (
      keys.includes(key) &&
      !/^(false|on-demand|ondemand|regular)$/i.test(value)
    )
      return true;
    if (keys.includes(value)) return true;
  }
  return false;
}

/**
 * A preview's footprint: what its engine says it requests, and whether its
 * spec targets spot nodes (priced at the spot rate). Pure.
 */
export function footprintFrom(
  requests: PreviewResourceRequests,
  spec: PreviewSpec,
  spotKey?: string,
): ResourceFootprint {
  return { ...requests, spot: targetsSpot(spec, spotKey) };
}
