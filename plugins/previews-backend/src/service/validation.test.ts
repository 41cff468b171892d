import { InputError } from '@backstage/errors';
import { validateBranch, validateComponentRef } from './validation';

describe('validateBranch', () => {
  it.each(['main', 'feature/login', 'release-1.2', 'fix/ünïcode', 'a'.repeat(255), 'user/x.y'])(
    'accepts %j',
    branch => {
      expect(validateBranch(branch)).toBe(branch);
    },
  );

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

  it.each([undefined, null, 42, {}, ['main']])('rejects non-string %j', value => {
    expect(() => validateBranch(value)).toThrow('branch must be a string');
  });
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
    ['component:default/' + 'a'.repeat(100), /Invalid entityRef/],
  ])('rejects %j', (input, message) => {
    expect(() => validateComponentRef(input)).toThrow(message);
  });
});
