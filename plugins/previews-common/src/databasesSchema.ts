/**
 * JSON schema (draft-07) of {@link PreviewDatabasesSpec}, the `databases`
 * field of a preview spec, and the rules across fields it cannot express.
 */
import type { PreviewSpec } from './spec';

/** A PostgreSQL/MongoDB identifier we accept: lower-case letters, digits, `_`. */
const DB_IDENTIFIER = '^[a-z_][a-z0-9_]*$';
/** An image reference without spaces (no templates). */
const PLAIN_IMAGE = '^[^\\s{}]+$';
/** A version such as `16`, `15.4`, `7-alpine`. */
const VERSION = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const STORAGE = '^([0-9]+(\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$';
/** A relative path in a repository, without `..` segments. */
const REPO_PATH = '^(?!/)(?!.*(^|/)\\.\\.(/|$))\\S+$';
const HTTP_URL = '^https?://\\S+$';

/** @public */
export const DATABASES_PATTERN_HINTS: Readonly<Record<string, string>> = {
  [DB_IDENTIFIER]:
    'must consist of lower-case letters, digits and "_", not starting with a digit',
  [PLAIN_IMAGE]: 'must be an image reference without spaces or placeholders',
  [VERSION]: 'must be a version such as "16" or "7-alpine"',
  [STORAGE]: 'must be a storage quantity such as "1Gi"',
  [REPO_PATH]:
    'must be a path inside the repository, without a leading "/" or ".." segments',
  [HTTP_URL]: 'must be an http(s) URL',
};

const common = {
  version: { type: 'string', maxLength: 64, pattern: VERSION },
  image: { type: 'string', minLength: 1, maxLength: 512, pattern: PLAIN_IMAGE },
  env: { type: 'string', maxLength: 255, pattern: ENV_NAME },
  // The server's uid under Pod Security restricted; never root.
  runAsUser: { type: 'integer', minimum: 1, maximum: 2147483647 },
} as const;

const postgres = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...common,
    storage: { type: 'string', pattern: STORAGE },
    database: {
      type: 'string',
      minLength: 1,
      maxLength: 63,
      pattern: DB_IDENTIFIER,
    },
    user: {
      type: 'string',
      minLength: 1,
      maxLength: 63,
      pattern: DB_IDENTIFIER,
    },
    seed: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dump: {
          type: 'string',
          minLength: 1,
          maxLength: 1024,
          pattern: REPO_PATH,
        },
        url: { type: 'string', maxLength: 2048, pattern: HTTP_URL },
        image: common.image,
        format: { type: 'string', enum: ['sql', 'custom'] },
        version: {
          type: 'string',
          minLength: 1,
          maxLength: 128,
          pattern: '^\\S+$',
        },
      },
    },
    migrate: {
      type: 'object',
      additionalProperties: false,
      required: ['workload', 'command'],
      properties: {
        workload: { type: 'string', minLength: 1, maxLength: 63 },
        command: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: { type: 'string', maxLength: 4096 },
        },
      },
    },
  },
} as const;

/** The `databases` field of the preview spec schema. @public */
export const databasesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    postgres,
    redis: {
      type: 'object',
      additionalProperties: false,
      properties: { ...common },
    },
    mongodb: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...common,
        storage: { type: 'string', pattern: STORAGE },
        database: {
          type: 'string',
          minLength: 1,
          maxLength: 63,
          pattern: DB_IDENTIFIER,
        },
      },
    },
  },
} as const;

/** The largest volume a preview's database may ask for (`storage`); the namespace quota bounds the sum. @public */
export const MAX_DATABASE_STORAGE = '20Gi';

const STORAGE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Bytes of a storage quantity of the schema's pattern ("512Mi", "1.5Gi"); NaN when it does not match. */
export function storageBytes(quantity: string): number {
  const m = new RegExp(STORAGE).exec(quantity);
  return m ? Number(m[1]) * STORAGE_UNITS[m[3] ?? ''] : NaN;
}

/** Environment variables the preview sets itself, which the databases' `env` must not reuse. */
const RESERVED_ENV = ['PREVIEW_NAME', 'PREVIEW_HOST'];

/** Rules across fields of `databases` (and the workloads it refers to). */
export function databasesProblems(spec: PreviewSpec): string[] {
  const problems: string[] = [];
  const dbs = spec.databases;
  if (!dbs) return problems;
  const seed = dbs.postgres?.seed;
  if (seed) {
    const sources = (['dump', 'url', 'image'] as const).filter(
      k => seed[k] !== undefined,
    );
    if (sources.length !== 1) {
      problems.push(
        `databases.postgres.seed must have exactly one of dump, url and image${
          sources.length ? ` (it has ${sources.join(' and ')})` : ''
        }`,
      );
    }
    if (seed.image !== undefined && seed.format !== undefined) {
      problems.push(
        'databases.postgres.seed.format applies to dumps, not to a seed image',
      );
    }
  }
  const migrate = dbs.postgres?.migrate;
  if (migrate && !spec.workloads.some(w => w.name === migrate.workload)) {
    problems.push(
      `databases.postgres.migrate.workload must name a workload; there is no workload "${migrate.workload}"`,
    );
  }
  for (const kind of ['postgres', 'mongodb'] as const) {
    const storage = dbs[kind]?.storage;
    if (
      storage !== undefined &&
      storageBytes(storage) > storageBytes(MAX_DATABASE_STORAGE)
    ) {
      problems.push(
        `databases.${kind}.storage ${storage} is more than the maximum of ${MAX_DATABASE_STORAGE}`,
      );
    }
  }
  for (const kind of ['postgres', 'redis', 'mongodb'] as const) {
    if (!dbs[kind]) continue;
    // The backing service's Secret and Service are named after it.
    spec.workloads.forEach((w, i) => {
      if (w.name === kind && w.port !== undefined) {
        problems.push(
          `workloads[${i}].name "${kind}" is taken by databases.${kind} (its Service)`,
        );
      }
    });
    (spec.secrets ?? []).forEach((s, i) => {
      if (s.name === kind)
        problems.push(
          `secrets[${i}].name "${kind}" is taken by databases.${kind} (its credentials)`,
        );
    });
  }
  const envs: Array<[string, string]> = [];
  if (dbs.postgres)
    envs.push(['databases.postgres.env', dbs.postgres.env ?? 'DATABASE_URL']);
  if (dbs.redis)
    envs.push(['databases.redis.env', dbs.redis.env ?? 'REDIS_URL']);
  if (dbs.mongodb)
    envs.push(['databases.mongodb.env', dbs.mongodb.env ?? 'MONGODB_URL']);
  const seen = new Map<string, string>();
  for (const [path, name] of envs) {
    if (RESERVED_ENV.includes(name))
      problems.push(
        `${path} ${name} is set by Backstage Previews and cannot be used`,
      );
    const other = seen.get(name);
    if (other)
      problems.push(`${path} must differ from ${other} (both are ${name})`);
    seen.set(name, path);
  }
  return problems;
}
