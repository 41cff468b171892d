import fs from 'node:fs';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// GitHub's own OpenAPI description of its REST API and webhooks
// (`@octokit/openapi`, dereferenced: tens of MB, so load it once per test
// file), to check the fake GitHub's answers and the tests' webhook payloads.

type Schema = Record<string, any>;
export type JsonType =
  | 'null'
  | 'boolean'
  | 'number'
  | 'string'
  | 'array'
  | 'object';
const ANY: JsonType[] = [
  'null',
  'boolean',
  'number',
  'string',
  'array',
  'object',
];

const METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
];
/** A path template with its parameters unnamed: `/repos/{}/{}/pulls/{}`. */
const unnamed = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
/** A schema and what it combines (`allOf`, `anyOf`, `oneOf`), recursively. */
const alternatives = (s: Schema): Schema[] => [
  s,
  ...[...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap(
    alternatives,
  ),
];
const allowsNull = (s: Schema) =>
  s.nullable === true ||
  s.type === 'null' ||
  (Array.isArray(s.type) && s.type.includes('null')) ||
  (Array.isArray(s.enum) && s.enum.includes(null));
/** The JSON types a schema names (none when it names no type). */
const typesOf = (s: Schema): JsonType[] => [
  ...[s.type ?? []]
    .flat()
    .map((t: string) => (t === 'integer' ? 'number' : (t as JsonType))),
  ...(allowsNull(s) ? ['null' as const] : []),
];

/**
 * GitHub writes `nullable: true` beside an `enum` without null (a check
 * run's `conclusion`); OpenAPI 3.0.3 reads that as null not allowed, GitHub
 * sends null. Adds null to such enums.
 */
function nullableEnums(schema: Schema, seen = new Set<Schema>()) {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return schema;
  seen.add(schema);
  if (
    schema.nullable === true &&
    Array.isArray(schema.enum) &&
    !schema.enum.includes(null)
  )
    schema.enum.push(null);
  for (const value of Object.values(schema)) nullableEnums(value, seen);
  return schema;
}

export function loadGitHubRestDescription() {
  const file = require.resolve(
    '@octokit/openapi/generated/api.github.com.deref.json',
  );
  const spec = JSON.parse(fs.readFileSync(file, 'utf8'));
  // OpenAPI 3.0 schemas: `nullable` ajv knows; `x-*`, `example` and the like
  // it ignores without strict mode; unknown formats pass.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  const validators = new Map<Schema, ValidateFunction>();
  const validate = (schema: Schema, value: unknown) => {
    let v = validators.get(schema);
    if (!v) validators.set(schema, (v = ajv.compile(nullableEnums(schema))));
    return v(value)
      ? []
      : (v.errors ?? []).map(
          e =>
            `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(
              e.params,
            )}`,
        );
  };
  const operations = new Set<string>();
  for (const [path, item] of Object.entries<Schema>(spec.paths)) {
    for (const method of METHODS)
      if (item[method])
        operations.add(`${method.toUpperCase()} ${unnamed(path)}`);
  }

  return {
    /** Whether GitHub has the operation `METHOD path` (parameters compare by place, not name). */
    hasOperation(method: string, path: string): boolean {
      return operations.has(`${method.toUpperCase()} ${unnamed(path)}`);
    },

    /**
     * What is wrong with a JSON answer of the operation `METHOD path` (path
     * as the description writes it) with `status`, by its
     * `application/json` schema for that status; [] when nothing.
     */
    responseProblems(
      method: string,
      path: string,
      status: number,
      body: unknown,
    ): string[] {
      const operation = spec.paths[path]?.[method.toLowerCase()];
      if (!operation) return [`GitHub has no operation ${method} ${path}`];
      const response = operation.responses?.[String(status)];
      if (!response)
        return [`GitHub does not answer ${method} ${path} with ${status}`];
      const schema = response.content?.['application/json']?.schema;
      if (!schema)
        return body === undefined || body === ''
          ? []
          : [
              `GitHub answers ${method} ${path} with ${status} without a JSON body`,
            ];
      return validate(schema, body);
    },

    /**
     * What is wrong with a JSON request body of the operation `METHOD path`,
     * by its `application/json` request schema; [] when nothing.
     */
    requestProblems(method: string, path: string, body: unknown): string[] {
      const operation = spec.paths[path]?.[method.toLowerCase()];
      if (!operation) return [`GitHub has no operation ${method} ${path}`];
      const schema =
        operation.requestBody?.content?.['application/json']?.schema;
      if (!schema) return [`GitHub takes no JSON body for ${method} ${path}`];
      return validate(schema, body);
    },

    /**
     * The JSON types the schema of the webhook `event` with `action` gives
     * the key path `['pull_request', 'labels', '[]', 'name']`; undefined
     * where it declares no such key.
     */
    webhookTypes(
      event: string,
      action: string,
      path: string[],
    ): Set<JsonType> | undefined {
      const webhook =
        spec['x-webhooks']?.[`${event.replace(/_/g, '-')}-${action}`]?.post;
      let schemas: Schema[] = [
        webhook?.requestBody?.content?.['application/json']?.schema,
      ].filter(Boolean);
      for (const key of path) {
        schemas = schemas.flatMap(alternatives).flatMap(s => {
          if (key === '[]') return s.items ? [s.items] : [];
          if (s.properties?.[key]) return [s.properties[key]];
          return typeof s.additionalProperties === 'object'
            ? [s.additionalProperties]
            : [];
        });
      }
      if (!schemas.length) return undefined;
      const types = schemas.flatMap(alternatives).flatMap(typesOf);
      return new Set(types.length ? types : ANY);
    },
  };
}

export type GitHubRestDescription = ReturnType<
  typeof loadGitHubRestDescription
>;
