import {
  AccessClaims,
  bypassTokenMatches,
  hashBypassToken,
  signAccessToken,
  verifyAccessToken,
} from './accessTokens';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const claims: AccessClaims = {
  p: '0b6f3c5e-1111-4222-8333-944455556666',
  k: 'open',
  exp: 2_000,
};
const token = signAccessToken(key, claims);
const [payload, signature] = token.split('.');
const reencoded = (c: object) =>
  `${Buffer.from(JSON.stringify(c)).toString('base64url')}.${signature}`;

describe('access tokens', () => {
  it('a token verifies with its key before it expires, to its claims', () => {
    expect(verifyAccessToken(key, token, 1_999)).toEqual(claims);
    const share: AccessClaims = {
      p: claims.p,
      k: 'share',
      l: 'link-1',
      exp: 5_000,
    };
    expect(verifyAccessToken(key, signAccessToken(key, share), 10)).toEqual(
      share,
    );
  });

  it.each<[string, string | undefined, number]>([
    ['expired', token, 2_000],
    ['another key', signAccessToken(otherKey, claims), 10],
    [
      'claims changed (another preview)',
      reencoded({ ...claims, p: 'another' }),
      10,
    ],
    ['claims changed (later expiry)', reencoded({ ...claims, exp: 9_999 }), 10],
    [
      'signature changed',
      `${payload}.${Buffer.from('x'.repeat(32)).toString('base64url')}`,
      10,
    ],
    ['no signature', payload, 10],
    ['an extra part', `${token}.x`, 10],
    ['not JSON', `bm90IGpzb24.${signature}`, 10],
    ['empty', '', 10],
    ['absent', undefined, 10],
    ['too long', `${token}${'a'.repeat(3000)}`, 10],
  ])('refuses a token: %s', (_, candidate, now) => {
    expect(verifyAccessToken(key, candidate, now)).toBeUndefined();
  });

  it.each<[string, object]>([
    ['an unknown kind', { ...claims, k: 'admin' }],
    ['no preview', { k: 'open', exp: 2_000 }],
    ['a link that is not a string', { ...claims, k: 'share', l: 5 }],
  ])('refuses well-signed claims of the wrong shape: %s', (_, bad) => {
    const forged = Buffer.from(JSON.stringify(bad)).toString('base64url');
    const { createHmac } = require('node:crypto');
    const sig = createHmac('sha256', key).update(forged).digest('base64url');
    expect(verifyAccessToken(key, `${forged}.${sig}`, 10)).toBeUndefined();
  });

  it('a bypass token matches only the hash it was stored as', () => {
    const stored = hashBypassToken('pbt_secret');
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain('secret');
    expect(bypassTokenMatches('pbt_secret', stored)).toBe(true);
    expect(bypassTokenMatches('pbt_secreT', stored)).toBe(false);
    expect(bypassTokenMatches('pbt_secret', undefined)).toBe(false);
    expect(bypassTokenMatches(undefined, stored)).toBe(false);
    expect(bypassTokenMatches('', stored)).toBe(false);
  });
});
