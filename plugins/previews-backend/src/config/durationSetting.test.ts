import { ConfigReader } from '@backstage/config';
import { readDurationSetting } from './durationSetting';

describe('readDurationSetting', () => {
  it.each([
    ['the older number key', { ttlHours: 72 }, 'ttlHours', 72],
    ['a HumanDuration object', { ttl: { days: 3 } }, 'ttlHours', 72],
    [
      'a HumanDuration of several units',
      { ttl: { hours: 1, minutes: 30 } },
      'ttlHours',
      1.5,
    ],
    ['a short string', { requestTimeout: '15s' }, 'requestTimeoutSeconds', 15],
    [
      'an ISO 8601 duration',
      { checkInterval: 'PT5M' },
      'checkIntervalSeconds',
      300,
    ],
    [
      'a nested key',
      { sleep: { idle: { hours: 2 } } },
      'sleep.idleMinutes',
      120,
    ],
    ['days', { maxKeep: '2w' }, 'maxKeepDays', 14],
    ['nothing set', {}, 'ttlHours', undefined],
  ])('reads %s', (_name, data, key, expected) => {
    expect(readDurationSetting(new ConfigReader(data), key)).toBe(expected);
  });

  it('reads nothing from no config', () => {
    expect(readDurationSetting(undefined, 'ttlHours')).toBeUndefined();
  });

  it.each([
    [
      'both forms set',
      { ttl: '1h', ttlHours: 2 },
      /set ttl or ttlHours, not both/,
    ],
    ['a number where a duration goes', { ttl: 72 }, /duration/i],
    ['an unreadable string', { ttl: 'soon' }, /Invalid duration 'soon'/],
    ['an object of no duration unit', { ttl: { fortnights: 1 } }, /duration/i],
  ])('refuses %s with a clear error', (_name, data, error) => {
    expect(() =>
      readDurationSetting(new ConfigReader(data), 'ttlHours'),
    ).toThrow(error);
  });

  it('refuses a key without a unit (a programming error)', () => {
    expect(() => readDurationSetting(new ConfigReader({}), 'ttl')).toThrow(
      /names no unit/,
    );
  });
});
