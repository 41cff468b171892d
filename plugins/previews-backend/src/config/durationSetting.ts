import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

const UNITS = {
  Seconds: 1_000,
  Minutes: 60_000,
  Hours: 3_600_000,
  Days: 86_400_000,
} as const;

/**
 * A duration setting in either of its two forms, in the unit of its older
 * key. `legacyKey` names the older number key, such as `ttlHours`; the
 * same name without its unit, `ttl`, takes Backstage's HumanDuration: an
 * object such as `{ hours: 72 }`, an ISO 8601 duration such as `P3D`, or a
 * string such as `3d`. Undefined when neither is set. Both set is an error:
 * which one was meant would be a guess.
 */
export function readDurationSetting(
  config: Config | undefined,
  legacyKey: string,
): number | undefined {
  const match = /^(.+)(Seconds|Minutes|Hours|Days)$/.exec(legacyKey);
  if (!match) throw new Error(`${legacyKey} names no unit`);
  const [, key, unit] = match as unknown as [
    string,
    string,
    keyof typeof UNITS,
  ];
  if (!config?.has(key)) return config?.getOptionalNumber(legacyKey);
  if (config.has(legacyKey)) {
    throw new Error(
      `Invalid config: set ${key} or ${legacyKey}, not both (${key} takes a duration such as { hours: 1 } or '1h'; ${legacyKey} is the older form)`,
    );
  }
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  return ms / UNITS[unit];
}
