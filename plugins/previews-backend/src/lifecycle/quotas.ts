import { Config } from '@backstage/config';

/**
 * Quotas on live previews (`previews.quotas`), pure: a create over a limit is
 * refused with a message naming the limit and the oldest previews in its
 * scope that could be destroyed to make room.
 */
export interface QuotaLimits {
  /** Live previews of one component. */
  perComponent?: number;
  /** Live previews of the components of one owner group. */
  perOwner?: number;
  /** Live previews one user created. */
  perUser?: number;
  /** Live previews in all. */
  total?: number;
}

const KEYS: readonly (keyof QuotaLimits)[] = [
  'perComponent',
  'perOwner',
  'perUser',
  'total',
];

/** Limits from the `previews.quotas` block (pass that block); unset keys are unlimited. */
export function quotaLimitsFromConfig(config?: Config): QuotaLimits {
  const limits: QuotaLimits = {};
  for (const key of KEYS) {
    const value = config?.getOptionalNumber(key);
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `Invalid config previews.quotas.${key}: ${value} is not a whole number >= 1`,
      );
    }
    limits[key] = value;
  }
  return limits;
}

/** What a quota check needs of a live preview. */
export interface QuotaPreview {
  name: string;
  entityRef: string;
  ownerRef?: string;
  createdBy?: string;
  createdAt: string;
}

/** How many of the oldest previews a refusal names. */
const NAMED = 3;

/** Why a new preview would exceed a quota, or undefined when it fits. */
export function quotaRefusal(
  live: readonly QuotaPreview[],
  request: { entityRef: string; ownerRef?: string; createdBy?: string },
  limits: QuotaLimits,
): string | undefined {
  const scopes: Array<
    | {
        key: keyof QuotaLimits;
        what: string;
        matches: (p: QuotaPreview) => boolean;
      }
    | undefined
  > = [
    {
      key: 'perComponent',
      what: request.entityRef,
      matches: p => p.entityRef === request.entityRef,
    },
    request.ownerRef
      ? {
          key: 'perOwner',
          what: `owner ${request.ownerRef}`,
          matches: p => p.ownerRef === request.ownerRef,
        }
      : undefined,
    request.createdBy
      ? {
          key: 'perUser',
          what: request.createdBy,
          matches: p => p.createdBy === request.createdBy,
        }
      : undefined,
    { key: 'total', what: 'Backstage Previews', matches: () => true },
  ];
  for (const scope of scopes) {
    if (!scope) continue;
    const limit = limits[scope.key];
    if (limit === undefined) continue;
    const inScope = live.filter(scope.matches);
    if (inScope.length < limit) continue;
    const oldest = [...inScope]
      .sort(
        (a, b) =>
          Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
          a.name.localeCompare(b.name),
      )
      .slice(0, NAMED)
      .map(p => p.name);
    return (
      `Quota reached: ${scope.what} has ${inScope.length} live preview${
        inScope.length === 1 ? '' : 's'
      }, ` +
      `the limit is ${limit} (previews.quotas.${
        scope.key
      }). Destroy one of the oldest first: ${oldest.join(', ')}`
    );
  }
  return undefined;
}
