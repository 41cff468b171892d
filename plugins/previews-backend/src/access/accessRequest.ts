/** The query parameter of Open's and share links' URLs. */
export const TOKEN_PARAM = 'previews_token';
/** The cookie a preview's host gets: a session bound to that preview. */
export const ACCESS_COOKIE = 'previews_access';
/** Where automation sends the preview's bypass token. */
export const BYPASS_HEADER = 'x-previews-bypass';

/** A cookie's value from a Cookie header: the first of that name. Pure. */
export function cookieValue(
  header: string | undefined,
  name: string,
): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token in a URL's query, if any (URLs that do not parse have none). Pure. */
export function tokenInUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).searchParams.get(TOKEN_PARAM) ?? undefined;
  } catch {
    return undefined;
  }
}

/** `url` with a token in its query. Pure. */
export function withToken(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set(TOKEN_PARAM, token);
  return u.toString();
}

/** A URL with the values of its tokens replaced, for logs. Pure. */
export function redactTokens(url: string): string {
  return url.replace(
    /((?:^|[?&]|%3F|%26)previews_token(?:=|%3D))[^&\s]*/gi,
    '$1[redacted]',
  );
}

/**
 * The Set-Cookie of a preview session: host-only (no Domain, so only the
 * preview's own host gets it), HTTP-only, `Secure` on https. Pure.
 */
export function sessionCookie(
  token: string,
  options: { maxAgeSeconds: number; secure: boolean },
): string {
  const attributes = [
    `${ACCESS_COOKIE}=${token}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/**
 * Where the sign-in page sends the browser back to: the `rd` of the request
 * (ingress-nginx escapes it; a plain nginx may not, so everything after
 * `rd=` counts), but only a URL on the preview's own origin, never an
 * open redirect; else the preview's URL. Pure.
 */
export function returnUrl(requestUrl: string, previewUrl: string): string {
  const at = requestUrl.search(/[?&]rd=/);
  if (at < 0) return previewUrl;
  let rd = requestUrl.slice(at + 4);
  if (/^https?%3A/i.test(rd)) {
    try {
      rd = decodeURIComponent(rd.split('&')[0]);
    } catch {
      return previewUrl;
    }
  }
  try {
    const target = new URL(rd);
    return target.origin === new URL(previewUrl).origin
      ? target.toString()
      : previewUrl;
  } catch {
    return previewUrl;
  }
}
