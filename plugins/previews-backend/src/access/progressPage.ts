const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

/**
 * The page a browser sees while its preview wakes: it asks again every two
 * seconds (no script needed), and the sign-in route sends it on to the app
 * once the preview is ready. Pure.
 */
export function progressPage(options: {
  name: string;
  refreshUrl: string;
}): string {
  const name = escapeHtml(options.name);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="refresh" content="2;url=${escapeHtml(
      options.refreshUrl,
    )}">`,
    `<title>Waking up ${name}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:20vh auto;max-width:32rem;text-align:center;color:#333}</style>',
    '</head><body>',
    `<h1>Waking up ${name}…</h1>`,
    '<p id="previews-waking">Its dependencies first, then its workloads. This page opens the app when it is ready.</p>',
    '</body></html>',
    '',
  ].join('\n');
}
