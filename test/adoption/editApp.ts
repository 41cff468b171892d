/**
 * The source edits an adopter makes by hand when following the README: pure
 * functions over the text of the fresh app's files, so that a README step
 * that does not fit the app create-app makes is an error, not a silent no-op.
 */

/** Adds `backend.add(...)` lines before `backend.start()`; lines already there stay once. */
export function addBackendLines(indexTs: string, lines: string[]): string {
  const start = indexTs.indexOf('backend.start();');
  if (start < 0)
    throw new Error('packages/backend/src/index.ts has no backend.start()');
  const missing = lines.filter(l => !indexTs.includes(l));
  if (missing.length === 0) return indexTs;
  return `${indexTs.slice(0, start)}${missing.join('\n')}\n\n${indexTs.slice(
    start,
  )}`;
}

/**
 * Adds the imports after the last import and the features to the list given
 * to `createApp({ features: [...] })`.
 */
export function addAppFeatures(
  appTsx: string,
  imports: string[],
  features: string[],
): string {
  const list = /features:\s*\[([^\]]*)\]/.exec(appTsx);
  if (!list)
    throw new Error(
      'packages/app/src/App.tsx has no createApp({ features: [...] })',
    );
  const present = list[1]
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const added = features.filter(f => !present.includes(f));
  const withFeatures =
    appTsx.slice(0, list.index) +
    `features: [${[...present, ...added].join(', ')}]` +
    appTsx.slice(list.index + list[0].length);

  const newImports = imports.filter(i => !appTsx.includes(i));
  if (newImports.length === 0) return withFeatures;
  const lines = withFeatures.split('\n');
  let lastImport = -1;
  // the end of the last import statement, which may span lines
  lines.forEach((l, i) => {
    if (/^import ['"]|from ['"][^'"]+['"];?\s*$/.test(l)) lastImport = i;
  });
  lines.splice(lastImport + 1, 0, ...newImports);
  return lines.join('\n');
}
