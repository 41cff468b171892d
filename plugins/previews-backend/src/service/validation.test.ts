import { InputError } from '@backstage/errors';
import {
  eventsPage,
  queryOnce,
  validateBranch,
  validateComponentRef,
  validateMinAgeMinutes,
  validatePickerPage,
} from './validation';

describe('validateBranch', () => {
  it.each([
    'main',
    'feature/login',
    'release-1.2',
    'fix/ünïcode',
    'a'.repeat(255),
    'user/x.y',
  ])('accepts %j', branch => {
    expect(validateBranch(branch)).toBe(branch);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['a'.repeat(256), /longer than 255/],
    ['has space', /spaces/],
    ['tab\there', /control/],
    ['a..b', /"\.\."/],
    ['../etc/passwd', /"\.\."/],
    ['x~1', /~/],
    ['x:y', /~/],
    ['what?', /~/],
    ['a@{1}', /@\{/],
    ['/lead', /starts or ends/],
    ['trail/', /starts or ends/],
    ['a//b', /"\/\/"/],
    ['-rf', /starts with "-"/],
    ['dot.', /ends with "\."/],
    ['x/.hidden', /starts with "\."/],
    ['x.lock', /\.lock/],
    ['evil\u202eyes', /bidirectional/],
    ['$(rm -rf /)', /spaces/],
  ])('rejects %j', (branch, message) => {
    expect(() => validateBranch(branch)).toThrow(InputError);
    expect(() => validateBranch(branch)).toThrow(message);
  });

  it.each([undefined, null, 42, {}, ['main']])(
    'rejects non-string %j',
    value => {
      expect(() => validateBranch(value)).toThrow('branch must be a string');
    },
  );
});

describe('validateComponentRef', () => {
  it.each([
    ['component:default/shop', 'component:default/shop'],
    ['Component:default/shop', 'component:default/shop'],
    ['shop', 'component:default/shop'],
    ['team-a/shop', 'component:team-a/shop'],
  ])('%j → %j', (input, expected) => {
    expect(validateComponentRef(input)).toBe(expected);
  });

  it.each([
    ['', /non-empty/],
    [42, /non-empty/],
    ['api:default/shop', /components only/],
    ['component:default/', /Invalid entityRef/],
    ["component:default/x' OR 1=1 --", /Invalid entityRef/],
    [`component:default/${'a'.repeat(100)}`, /Invalid entityRef/],
  ])('rejects %j', (input, message) => {
    expect(() => validateComponentRef(input)).toThrow(message);
  });
});

// Query parameters arrive as text, or as the number the OpenAPI validator made of them.
describe('query parameters', () => {
  it('reads numbers given as text or already coerced', () => {
    expect(validatePickerPage('3')).toBe(3);
    expect(validatePickerPage(3)).toBe(3);
    expect(validatePickerPage(undefined)).toBe(1);
    expect(validateMinAgeMinutes(0)).toBe(0);
    expect(eventsPage({ limit: 5, cursor: '17' })).toEqual({
      limit: 5,
      after: 17,
    });
    expect(eventsPage({})).toEqual({ limit: 200 });
  });

  it.each([
    [
      'page 0',
      () => validatePickerPage(0),
      'page must be a whole number from 1 to 1000',
    ],
    [
      'page 1.5',
      () => validatePickerPage('1.5'),
      'page must be a whole number from 1 to 1000',
    ],
    [
      'minAgeMinutes NaN',
      () => validateMinAgeMinutes('NaN'),
      'minAgeMinutes must be a whole number of minutes from 0 to 525600',
    ],
    [
      'minAgeMinutes 1e9',
      () => validateMinAgeMinutes(1e9),
      'minAgeMinutes must be a whole number of minutes from 0 to 525600',
    ],
    [
      'limit 1001',
      () => eventsPage({ limit: 1001 }),
      'limit must be a whole number from 1 to 1000',
    ],
    [
      'cursor x',
      () => eventsPage({ cursor: 'x' }),
      'cursor must be the nextCursor of the previous page',
    ],
    [
      'entityRef twice',
      () => queryOnce('entityRef', ['a', 'b']),
      'entityRef must be given once',
    ],
    [
      'no entityRef',
      () => queryOnce('entityRef', undefined, true),
      'entityRef must be given once',
    ],
  ])('refuses %s', (_name, check, message) => {
    expect(check).toThrow(new InputError(message));
  });
});
