import { createHmac, createHash, timingSafeEqual } from 'node:crypto';

/**
 * What a signed access token says. Tokens are bound to one preview (`p`);
 * the kind says where it came from:
 * - `open`: handed to a signed-in user by Open, good for minutes, traded for a session cookie;
 * - `session`: the cookie on the preview's host;
 * - `share`: a share link's (`l`), good until the link expires or is revoked;
 * - `test`: a smoke test run's, in the bypass header only, good while the run may last.
 */
export interface AccessClaims {
  p: string;
  k: 'open' | 'session' | 'share' | 'test';
  /** The share link, for `share` (and for a session that came from one). */
  l?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const b64 = (b: Buffer) => b.toString('base64url');
const mac = (key: Buffer, payload: string) =>
  createHmac('sha256', key).update(payload).digest();

/** `<claims>.<HMAC-SHA256 of them>`, both base64url: URL- and cookie-safe. Pure. */
export function signAccessToken(key: Buffer, claims: AccessClaims): string {
  const payload = b64(Buffer.from(JSON.stringify(claims)));
  return `${payload}.${b64(mac(key, payload))}`;
}

/**
 * The claims of a token signed with `key` that has not expired at `now`
 * (seconds), else undefined: a forged, altered, expired or malformed token
 * is no token at all. Pure.
 */
export function verifyAccessToken(
  key: Buffer,
  token: string | undefined,
  now: number,
): AccessClaims | undefined {
  if (!token || token.length > 2048) return undefined;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const c = claims as Partial<AccessClaims>;
  if (
    typeof c.p !== 'string' ||
    typeof c.exp !== 'number' ||
    !['open', 'session', 'share', 'test'].includes(c.k as string)
  ) {
    return undefined;
  }
  if (c.l !== undefined && typeof c.l !== 'string') return undefined;
  if (c.exp <= now) return undefined;
  return {
    p: c.p,
    k: c.k as AccessClaims['k'],
    exp: c.exp,
    ...(c.l !== undefined ? { l: c.l } : {}),
  };
}

/** What is stored of a bypass token: its SHA-256, never the token. Pure. */
export function hashBypassToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a presented bypass token is the one whose hash is stored (constant time). Pure. */
export function bypassTokenMatches(
  presented: string | undefined,
  storedHash: string | undefined,
): boolean {
  if (!presented || !storedHash || presented.length > 256) return false;
  const a = Buffer.from(hashBypassToken(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
