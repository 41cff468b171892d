import { InputError } from '@backstage/errors';
import {
  errorMessage,
  extendableHours,
  formatAge,
  formatAgeShort,
  formatCost,
  formatExpiry,
  shortRef,
} from './format';
import { defaultT } from '../__testUtils__/translations';

const t = defaultT();

describe('formatAge', () => {
  const now = new Date('2025-01-10T12:00:00Z');

  it.each([
    ['2025-01-10T11:59:30Z', 'less than a minute'],
    ['2025-01-10T11:59:00Z', '1 minute'],
    ['2025-01-10T11:55:00Z', '5 minutes'],
    ['2025-01-10T10:30:00Z', '1 hour'],
    ['2025-01-08T12:00:00Z', '2 days'],
    ['2024-11-01T12:00:00Z', '2 months'],
    ['2023-01-01T12:00:00Z', '2 years'],
    ['2025-01-10T12:05:00Z', 'less than a minute'],
    ['not a date', ''],
  ])('%s is %s old', (since, expected) => {
    expect(formatAge(t, since, now)).toBe(expected);
  });
});

describe('errorMessage', () => {
  it('uses the message of plain errors', () => {
    expect(errorMessage(new InputError('bad branch'))).toBe('bad branch');
    expect(errorMessage('oops')).toBe('oops');
  });
});

describe('formatExpiry', () => {
  const now = new Date('2025-01-10T12:00:00Z');
  it.each([
    [{ expiresAt: '2025-01-10T17:00:00Z' }, 'expires in 5 h'],
    [{ expiresAt: '2025-01-10T12:30:00Z' }, 'expires in 30 min'],
    [{ expiresAt: '2025-01-12T13:00:00Z' }, 'expires in 2 d'],
    [{ expiresAt: '2025-01-10T11:50:00Z' }, 'expired 10 min ago'],
    [{ keep: true }, 'kept'],
    [
      { keep: true, expiresAt: '2025-01-13T12:00:00Z' },
      'kept, at most 3 d more',
    ],
    [{}, ''],
  ])('%j reads %s', (preview, expected) => {
    expect(formatExpiry(t, preview, now)).toBe(expected);
  });
});

describe('extendableHours', () => {
  const now = new Date('2025-01-10T12:00:00Z');
  it('counts whole hours from the current expiry to the maximum', () => {
    expect(
      extendableHours(
        {
          expiresAt: '2025-01-10T17:00:00Z',
          maxExpiresAt: '2025-01-11T05:30:00Z',
        },
        now,
      ),
    ).toBe(12);
    expect(
      extendableHours(
        {
          expiresAt: '2025-01-10T17:00:00Z',
          maxExpiresAt: '2025-01-10T16:00:00Z',
        },
        now,
      ),
    ).toBe(0);
    expect(
      extendableHours({ expiresAt: '2025-01-10T17:00:00Z' }, now),
    ).toBeUndefined();
  });
});

describe('formatCost and shortRef', () => {
  it('formats money per hour and short entity names', () => {
    expect(formatCost(0.4215, 'USD', '/h')).toBe('$0.42/h');
    expect(formatCost(0.0042, 'EUR')).toBe('€0.004');
    expect(formatCost(1, 'credits')).toBe('1.00 credits');
    expect(shortRef('component:default/orders-api')).toBe('orders-api');
    expect(shortRef('group:default/guests')).toBe('guests');
    expect(shortRef('component:shop/orders-api')).toBe('shop/orders-api');
    expect(shortRef('api:default/orders')).toBe('api:orders');
  });
});

describe('formatAgeShort', () => {
  const now = new Date('2025-01-10T12:00:00Z');
  it.each([
    ['2025-01-10T11:59:30Z', 'just now'],
    ['2025-01-10T11:48:00Z', '12 min ago'],
    ['2025-01-10T07:00:00Z', '5 h ago'],
    ['2025-01-07T12:00:00Z', '3 d ago'],
    ['nope', ''],
  ])('%s reads %s', (since, expected) => {
    expect(formatAgeShort(t, since, now)).toBe(expected);
  });
});
