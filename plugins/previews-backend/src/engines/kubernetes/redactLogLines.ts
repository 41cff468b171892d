/** What a redacted value is shown as. */
export const REDACTED = '[redacted]';

/** Values shorter than this are not redacted by value: `a` or `1` would blank out half a log. */
const MIN_SECRET_LENGTH = 6;

/** `scheme://user:password@host`: the password part. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi;

/**
 * Log lines of a seed or migrate step as the portal may show them: every
 * occurrence of one of the preview's own secret values (its database
 * passwords, its copied Secrets) and the password of any URL with
 * credentials replaced by {@link REDACTED}. Pure.
 */
export function redactLogLines(
  lines: readonly string[],
  secretValues: readonly string[],
): string[] {
  // Longest first, so a value that contains another is replaced whole.
  const values = [
    ...new Set(secretValues.filter(v => v.length >= MIN_SECRET_LENGTH)),
  ].sort((a, b) => b.length - a.length);
  return lines.map(line => {
    let out = line;
    for (const value of values) out = out.split(value).join(REDACTED);
    return out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  });
}
