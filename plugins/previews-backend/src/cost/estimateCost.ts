import { Config } from '@backstage/config';
import { PreviewCost } from '@backstage-previews/plugin-previews-common';
import type { ResourceFootprint } from '../types';

/** Unit prices of `previews.cost`. */
export interface CostPrices {
  currency: string;
  cpuCoreHour: number;
  memoryGiBHour: number;
  storageGiBHour: number;
  /** Fraction taken off CPU and memory on spot nodes, 0 to 1. */
  spotDiscount: number;
  /** Toleration or node selector key that means spot; well-known keys when unset. */
  spotTolerationKey?: string;
}

function price(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new Error(
      `Invalid config previews.cost.${key}: ${value} is not a number >= 0`,
    );
  return value;
}

/** Prices from the `previews.cost` block (pass that block); undefined without it (no cost shown). */
export function costPricesFromConfig(config?: Config): CostPrices | undefined {
  if (!config) return undefined;
  const prices: CostPrices = {
    currency: config.getOptionalString('currency') ?? 'USD',
    cpuCoreHour: price(config, 'cpuCoreHour', 0),
    memoryGiBHour: price(config, 'memoryGiBHour', 0),
    storageGiBHour: price(config, 'storageGiBHour', 0),
    spotDiscount: price(config, 'spotDiscount', 0),
  };
  if (prices.spotDiscount > 1)
    throw new Error(
      `Invalid config previews.cost.spotDiscount: ${prices.spotDiscount} is more than 1`,
    );
  const key = config.getOptionalString('spotTolerationKey');
  if (key) prices.spotTolerationKey = key;
  return prices;
}

/** Rounds money to 4 decimals (per hour) so sums stay readable. */
export const roundMoney = (value: number, decimals = 4) =>
  Math.round(value * 10 ** decimals) / 10 ** decimals;

/**
 * Cost per hour of a footprint: CPU and memory (spot discount applied), plus
 * storage. A sleeping preview pays only for its databases and storage.
 */
export function costPerHour(
  footprint: ResourceFootprint,
  prices: CostPrices,
  asleep = false,
): number {
  const cpu =
    (asleep ? 0 : footprint.app.cpuCores) + footprint.databases.cpuCores;
  const memory =
    (asleep ? 0 : footprint.app.memoryGiB) + footprint.databases.memoryGiB;
  const compute =
    (cpu * prices.cpuCoreHour + memory * prices.memoryGiBHour) *
    (footprint.spot ? 1 - prices.spotDiscount : 1);
  return compute + footprint.storageGiB * prices.storageGiBHour;
}

/** The cost of a preview per hour and until it expires (none after expiry, unbounded when it never expires). */
export function estimateCost(
  footprint: ResourceFootprint,
  prices: CostPrices,
  options: { now: Date; expiresAt?: string; asleep?: boolean },
): PreviewCost {
  const perHour = costPerHour(footprint, prices, options.asleep);
  const cost: PreviewCost = {
    perHour: roundMoney(perHour),
    currency: prices.currency,
  };
  if (options.expiresAt) {
    const hours = Math.max(
      0,
      (Date.parse(options.expiresAt) - options.now.getTime()) / 3600_000,
    );
    cost.remaining = roundMoney(perHour * hours, 2);
  }
  return cost;
}
