/**
 * The one pull request comment that reports previews, found by a hidden
 * marker and edited in place. Each component owns one section between its
 * own hidden markers, so the previews of several components share the
 * comment without overwriting each other.
 */

export const STICKY_MARKER = '<!-- backstage-previews -->';

const sectionStart = (key: string) =>
  `<!-- backstage-previews:section:${key}:start -->`;
const sectionEnd = (key: string) =>
  `<!-- backstage-previews:section:${key}:end -->`;

/** What one component's section shows. */
export interface PreviewSection {
  /** The component, e.g. `component:default/shop`; also the section key. */
  entityRef: string;
  status: string;
  url?: string;
  sha?: string;
  statusMessage?: string;
  /** Where the preview is shown in Backstage. */
  portalUrl?: string;
  /** When it expires, and the warning with a link to extend it when that is soon (issue 8). */
  expiry?: string;
  /** Its smoke tests' latest run, e.g. `passed (2)`, `failed: e2e`. */
  tests?: string;
  /** Why the URL is not shown (the smoke tests have not passed yet). */
  urlWithheld?: string;
}

/**
 * Text kept on one table line, with no HTML: `<` and `>` as entities (GitHub
 * shows them as the characters, so `must be <= 10` still reads so).
 */
const plain = (text: string) =>
  text
    .slice(0, 300)
    .replace(/[|\r\n]/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

/**
 * Text from branches, titles and status messages, made inert: no HTML, no
 * table breaks, no line breaks, and markdown's punctuation backslash-escaped
 * (a branch named `[review](https://evil.example)` shows as text, not a link).
 */
const escape = (text: string) =>
  plain(text).replace(/[\\`*_{}[\]()#+!~]/g, c => `\\${c}`);

/** An http(s) URL shown as GitHub autolinks it, or undefined when it has characters that could break out. */
const safeUrl = (url: string | undefined) =>
  url &&
  /^https?:\/\/[A-Za-z0-9._~:/?#@!$&'*+,;=%-]{1,300}$/.test(url) &&
  !/[()[\]]/.test(url)
    ? url
    : undefined;

/** The URL row's value: the URL while the preview lives, else why it is withheld, else a dash. */
function urlCell(section: PreviewSection): string {
  const url = safeUrl(section.url);
  if (url && section.status !== 'destroyed') return url;
  if (section.urlWithheld) return `– (${plain(section.urlWithheld)})`;
  return '–';
}

/** One section, markers included. Placeholders mark where expiry, dependencies and seed data go. */
export function renderSection(section: PreviewSection): string {
  const name = escape(section.entityRef.replace(/^component:(default\/)?/, ''));
  const lines = [
    sectionStart(section.entityRef),
    `### ${name}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Status | **${escape(section.status)}**${
      section.statusMessage ? ` – ${escape(section.statusMessage)}` : ''
    } |`,
    `| URL | ${urlCell(section)} |`,
    ...(section.tests ? [`| Smoke tests | ${escape(section.tests)} |`] : []),
    ...(section.sha && /^[0-9a-f]{7,64}$/.test(section.sha)
      ? [`| Commit | \`${section.sha.slice(0, 12)}\` |`]
      : []),
    ...(safeUrl(section.portalUrl)
      ? [`| Backstage | ${safeUrl(section.portalUrl)} |`]
      : []),
    '<!-- backstage-previews:expiry -->',
    ...(section.expiry && section.status !== 'destroyed'
      ? [`| Expires | ${plain(section.expiry)} |`]
      : []),
    '<!-- backstage-previews:dependencies -->',
    '<!-- backstage-previews:seed -->',
    sectionEnd(section.entityRef),
  ];
  return lines.join('\n');
}

const HEADER = `${STICKY_MARKER}\n## Previews\n`;

/** The comment body with the component's section added or replaced; other sections untouched. */
export function upsertSection(
  body: string | undefined,
  section: PreviewSection,
): string {
  const rendered = renderSection(section);
  const base = body && body.includes(STICKY_MARKER) ? body : HEADER;
  const start = base.indexOf(sectionStart(section.entityRef));
  const endMarker = sectionEnd(section.entityRef);
  const end = base.indexOf(endMarker, start);
  if (start >= 0 && end > start) {
    return base.slice(0, start) + rendered + base.slice(end + endMarker.length);
  }
  return `${base.replace(/\n*$/, '')}\n\n${rendered}\n`;
}

/** The sections' keys in a comment body, in order. */
export function sectionKeys(body: string): string[] {
  return [
    ...body.matchAll(/<!-- backstage-previews:section:(.+?):start -->/g),
  ].map(m => m[1]);
}

/** What of a comment tells who wrote it (GitHub's issue comment). */
export interface CommentAuthor {
  body?: string | null;
  user?: { login: string } | null;
  performed_via_github_app?: { id: number } | null;
}

/**
 * The sticky comment among a pull request's comments: the first with the
 * marker written by this backend's own identity. Anyone can post the marker;
 * a copy by someone else is never edited, so nobody can make their comment
 * speak for the previews. Pure.
 */
export function findStickyComment<T extends CommentAuthor>(
  comments: T[],
  own: { login?: string; appIds: readonly number[] },
): T | undefined {
  const isOwn = (c: T) =>
    (own.login !== undefined &&
      c.user?.login.toLowerCase() === own.login.toLowerCase()) ||
    (!!c.performed_via_github_app &&
      own.appIds.includes(c.performed_via_github_app.id));
  return comments.find(c => c.body?.includes(STICKY_MARKER) && isOwn(c));
}
