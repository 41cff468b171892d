/**
 * JSON schema (draft-07) of the dependency fields of a preview spec
 * (`stagingUrl`, `dependencies`) and the rules across fields it cannot express.
 */
import type { PreviewSpec } from './spec';

/** An http(s) URL without spaces. */
const HTTP_URL = '^https?://\\S+$';
/** A component name (`orders-api`) or entity ref (`component:default/orders-api`). */
const DEPENDENCY_KEY =
  '^([A-Za-z0-9][-A-Za-z0-9_.]*:)?([A-Za-z0-9][-A-Za-z0-9_.]*/)?[A-Za-z0-9][-A-Za-z0-9_.]*$';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/** Environment variables every workload gets from Backstage Previews itself. */
const RESERVED_ENV = ['PREVIEW_NAME', 'PREVIEW_HOST'];

/** @public */
export const DEPENDENCIES_PATTERN_HINTS: Readonly<Record<string, string>> = {
  [HTTP_URL]: 'must be an http(s) URL',
  [DEPENDENCY_KEY]:
    'must be a component name such as "orders-api" or an entity ref such as "component:default/orders-api"',
};

/** `stagingUrl`: where the component's staging deployment answers. */
export const stagingUrlSchema = {
  type: 'string',
  maxLength: 2048,
  pattern: HTTP_URL,
} as const;

/** `dependencies`: per dependency component, how its URL reaches the workloads. */
export const dependenciesSchema = {
  type: 'object',
  maxProperties: 50,
  propertyNames: { pattern: DEPENDENCY_KEY, maxLength: 253 },
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: {
      env: { type: 'string', minLength: 1, maxLength: 255, pattern: ENV_NAME },
    },
  },
} as const;

/** Rules of `dependencies` the schema cannot express: distinct env names, none reserved. */
export function dependenciesProblems(spec: PreviewSpec): string[] {
  const problems: string[] = [];
  const byEnv = new Map<string, string>();
  for (const [key, dependency] of Object.entries(spec.dependencies ?? {})) {
    const env = dependency.env;
    if (env === undefined) continue;
    const path = `dependencies[${JSON.stringify(key)}].env`;
    if (RESERVED_ENV.includes(env)) {
      problems.push(
        `${path} ${env} is set by Backstage Previews and cannot be given`,
      );
    }
    const first = byEnv.get(env);
    if (first !== undefined) {
      problems.push(
        `${path} must be unique ("${env}" is also the env of dependency ${JSON.stringify(
          first,
        )})`,
      );
    } else {
      byEnv.set(env, key);
    }
  }
  return problems;
}
