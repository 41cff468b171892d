// The component's repository, from `backstage.io/source-location`.

/** `url:https://github.com/acme/shop/tree/main/` → `https://github.com/acme/shop`. */
export function repoUrlFromSourceLocation(
  location: string | undefined,
): string | undefined {
  if (!location) return undefined;
  const url = location
    .replace(/^url:/, '')
    .replace(/\/(tree|blob)\/.*$/, '')
    .replace(/\/+$/, '');
  return url || undefined;
}
