import {
  cookieValue,
  redactTokens,
  returnUrl,
  sessionCookie,
  tokenInUrl,
  withToken,
} from './accessRequest';

const previewUrl = 'http://shop-feature-x-1a2b3c4d.previews.localhost:7080/';

describe('access requests', () => {
  it.each<[string | undefined, string | undefined]>([
    ['previews_access=abc.def', 'abc.def'],
    ['theme=dark; previews_access=abc.def; other=1', 'abc.def'],
    ['previews_access_x=nope; a=b', undefined],
    ['previews_access=first; previews_access=second', 'first'],
    ['', undefined],
    [undefined, undefined],
  ])('the cookie of %j', (header, expected) => {
    expect(cookieValue(header, 'previews_access')).toBe(expected);
  });

  it.each<[string | undefined, string | undefined]>([
    [`${previewUrl}?previews_token=t1`, 't1'],
    [`${previewUrl}cart?x=1&previews_token=t2#top`, 't2'],
    [previewUrl, undefined],
    ['not a url?previews_token=t3', undefined],
    [undefined, undefined],
  ])('the token of %j', (url, expected) => {
    expect(tokenInUrl(url)).toBe(expected);
  });

  it('puts a token into a URL, keeping its path and query', () => {
    expect(withToken(`${previewUrl}cart?x=1`, 'a.b')).toBe(
      `${previewUrl}cart?x=1&previews_token=a.b`,
    );
  });

  it.each<[string, string]>([
    [
      '/access/signin/p1?rd=http://h/x?previews_token=abc.def&y=1',
      '/access/signin/p1?rd=http://h/x?previews_token=[redacted]&y=1',
    ],
    [
      '/access/signin/p1?woke=1&rd=http%3A%2F%2Fh%2F%3Fpreviews_token%3Dabc.def',
      '/access/signin/p1?woke=1&rd=http%3A%2F%2Fh%2F%3Fpreviews_token%3D[redacted]',
    ],
    ['/access/signin/p1?rd=http://h/', '/access/signin/p1?rd=http://h/'],
  ])('redacts tokens in %s', (url, expected) => {
    expect(redactTokens(url)).toBe(expected);
  });

  it('sets a host-only, HTTP-only session cookie, Secure on https', () => {
    expect(sessionCookie('a.b', { maxAgeSeconds: 60.7, secure: false })).toBe(
      'previews_access=a.b; Path=/; Max-Age=60; HttpOnly; SameSite=Lax',
    );
    const secure = sessionCookie('a.b', { maxAgeSeconds: 60, secure: true });
    expect(secure).toMatch(/; Secure$/);
    expect(secure).not.toMatch(/Domain=/i);
  });

  it.each<[string, string, string]>([
    [
      'an unescaped rd on the preview',
      `/s?rd=${previewUrl}cart?a=1&b=2`,
      `${previewUrl}cart?a=1&b=2`,
    ],
    [
      'an escaped rd (ingress-nginx)',
      `/s?woke=1&rd=${encodeURIComponent(`${previewUrl}cart?a=1`)}`,
      `${previewUrl}cart?a=1`,
    ],
    [
      'another host: never an open redirect',
      '/s?rd=https://evil.example/',
      previewUrl,
    ],
    [
      'another port',
      '/s?rd=http://shop-feature-x-1a2b3c4d.previews.localhost:9999/',
      previewUrl,
    ],
    [
      'a look-alike host',
      `/s?rd=http://shop-feature-x-1a2b3c4d.previews.localhost.evil.example:7080/`,
      previewUrl,
    ],
    ['a javascript: URL', '/s?rd=javascript:alert(1)', previewUrl],
    ['no rd', '/s', previewUrl],
    ['garbage', '/s?rd=%E0%A4%A', previewUrl],
  ])('returns to %s', (_, requestUrl, expected) => {
    expect(returnUrl(requestUrl, previewUrl)).toBe(expected);
  });
});
