import { Config } from '@backstage/config';
import {
  PreviewSpec,
  PreviewToleration,
} from '@backstage-previews/plugin-previews-common';

/**
 * Where previews may be placed (`previews.kubernetes.placement`): the node
 * labels and tolerations the platform team offers. Every spec chooses among
 * them, the catalog's and a repo file's at a PR head alike (repoSpecTrust.ts).
 * Without entries, specs may not set placement.
 */
export interface PlacementPolicy {
  /** Node label key → the values a spec's `nodeSelector` may ask for. */
  nodeSelector: Record<string, string[]>;
  /** Tolerations a spec may carry, each as written here. */
  tolerations: PreviewToleration[];
}

/** The policy without entries: specs may not set placement. */
export const NO_PLACEMENT: Readonly<PlacementPolicy> = Object.freeze({
  nodeSelector: {},
  tolerations: [],
});

const sameToleration = (a: PreviewToleration, b: PreviewToleration) =>
  a.key === b.key &&
  (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
  a.value === b.value &&
  a.effect === b.effect;

/** One sentence per placement field the policy does not offer, naming it; empty when all are offered. Pure. */
export function placementProblems(
  spec: Pick<PreviewSpec, 'nodeSelector' | 'tolerations'>,
  policy: PlacementPolicy,
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (!policy.nodeSelector[key]?.includes(value)) {
      problems.push(
        `nodeSelector ${key}=${value} is not a placement previews may choose (previews.kubernetes.placement.nodeSelector)`,
      );
    }
  }
  (spec.tolerations ?? []).forEach((t, i) => {
    if (!policy.tolerations.some(allowed => sameToleration(allowed, t))) {
      problems.push(
        `tolerations[${i}] ${JSON.stringify(
          t,
        )} is not a toleration previews may carry (previews.kubernetes.placement.tolerations)`,
      );
    }
  });
  return problems;
}

const OPERATORS = ['Exists', 'Equal'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `previews.kubernetes.placement`; offers nothing when unset. Throws on an entry it cannot use. */
export function placementPolicyFromConfig(
  kubernetes: Config | undefined,
): PlacementPolicy {
  const placement = kubernetes?.getOptionalConfig('placement');
  const nodeSelector: Record<string, string[]> = {};
  const selectors = placement?.getOptionalConfig('nodeSelector');
  for (const key of selectors?.keys() ?? [])
    nodeSelector[key] = selectors!.getStringArray(key);
  const tolerations = (
    placement?.getOptionalConfigArray('tolerations') ?? []
  ).map((c, i) => {
    const at = `previews.kubernetes.placement.tolerations[${i}]`;
    const t: PreviewToleration = {};
    const key = c.getOptionalString('key');
    const operator = c.getOptionalString('operator');
    const value = c.getOptionalString('value');
    const effect = c.getOptionalString('effect');
    if (operator !== undefined && !OPERATORS.includes(operator))
      throw new Error(`Invalid config ${at}.operator: ${operator}`);
    if (effect !== undefined && !EFFECTS.includes(effect))
      throw new Error(`Invalid config ${at}.effect: ${effect}`);
    if (key === undefined && operator !== 'Exists')
      throw new Error(
        `Invalid config ${at}: a toleration without a key needs operator Exists`,
      );
    if (key !== undefined) t.key = key;
    if (operator !== undefined)
      t.operator = operator as PreviewToleration['operator'];
    if (value !== undefined) t.value = value;
    if (effect !== undefined) t.effect = effect as PreviewToleration['effect'];
    return t;
  });
  return { nodeSelector, tolerations };
}
