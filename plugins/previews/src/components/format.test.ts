import { InputError } from '@backstage/errors';
import { errorMessage, formatAge } from './format';

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
    expect(formatAge(since, now)).toBe(expected);
  });
});

describe('errorMessage', () => {
  it('uses the message of plain errors', () => {
    expect(errorMessage(new InputError('bad branch'))).toBe('bad branch');
    expect(errorMessage('oops')).toBe('oops');
  });
});
