import fs from 'node:fs';
import type { JsonType } from './githubRestDescription';

// GitHub's example webhook deliveries (`@octokit/webhooks-examples`), and
// whether a payload of ours could be one of them: a payload may leave out what
// GitHub sends, but must not add keys GitHub does not send nor give a key
// another JSON type.

interface WebhookDefinition {
  name: string;
  actions: string[];
  examples: Array<Record<string, unknown>>;
}

const jsonType = (v: unknown): JsonType =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType);

/**
 * Every key path of a JSON value with the types it has there: `a.b` for a
 * key, `a[]` for the items of an array (all items share one path).
 */
export function keyPaths(
  value: unknown,
  path = '',
  into = new Map<string, Set<JsonType>>(),
) {
  if (path) {
    if (!into.has(path)) into.set(path, new Set());
    into.get(path)!.add(jsonType(value));
  }
  if (Array.isArray(value))
    for (const item of value) keyPaths(item, `${path}[]`, into);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      keyPaths(item, path ? `${path}.${key}` : key, into);
  }
  return into;
}

/** `a.b[].c` → `['a', 'b', '[]', 'c']` */
export const pathSegments = (path: string) =>
  path.split(/\.|(?=\[\])|(?<=\[\])/).filter(Boolean);

export function loadWebhookExamples() {
  const file = require.resolve(
    '@octokit/webhooks-examples/api.github.com/index.json',
  );
  const definitions: WebhookDefinition[] = JSON.parse(
    fs.readFileSync(file, 'utf8'),
  );

  /** GitHub's example deliveries of `event` (`pull_request`) with `action`. */
  const examplesOf = (event: string, action: string) =>
    definitions
      .find(d => d.name === event)
      ?.examples.filter(e => e.action === action) ?? [];

  return {
    examplesOf,

    /**
     * Where `payload` is not like GitHub's example deliveries of the same
     * event and action: a key path none of them has, or a type none of them
     * has there; [] when none. An example shows one value of a key: where
     * the examples lack a key or a type, `schemaTypes(path)` (the webhook's
     * schema: the types it gives a key it declares, else undefined) may
     * allow it, e.g. a merged pull request's `merged_at`, or the
     * `issue.pull_request` of a comment on a pull request.
     */
    payloadProblems(
      event: string,
      action: string,
      payload: unknown,
      schemaTypes: (path: string[]) => Set<JsonType> | undefined = () =>
        undefined,
    ): string[] {
      const examples = examplesOf(event, action);
      if (!examples.length)
        return [`GitHub has no example of ${event} ${action}`];
      const known = new Map<string, Set<JsonType>>();
      for (const example of examples) keyPaths(example, '', known);
      const problems: string[] = [];
      // What a delivery carries: JSON (a key set to undefined is not sent).
      for (const [path, types] of keyPaths(
        JSON.parse(JSON.stringify(payload)),
      )) {
        const theirs = known.get(path);
        const declared =
          theirs && [...types].every(t => theirs.has(t))
            ? undefined
            : schemaTypes(pathSegments(path));
        if (!theirs && !declared) {
          problems.push(
            `${path}: GitHub's ${event} ${action} deliveries have no such key`,
          );
          continue;
        }
        for (const type of types) {
          if (theirs?.has(type) || declared?.has(type)) continue;
          const allowed = [
            ...new Set([...(theirs ?? []), ...(declared ?? [])]),
          ];
          problems.push(
            `${path}: ${type}, where GitHub's ${event} ${action} deliveries have ${allowed.join(
              ' or ',
            )}`,
          );
        }
      }
      return problems;
    },
  };
}
