/**
 * Backing services a preview gets of its own (issue 7): PostgreSQL with
 * versioned seed data and migrations, Redis, MongoDB. The JSON schema in
 * `databasesSchema.ts` is the authority; these types mirror it, exactly
 * (`specTypesMatchSchema.ts`).
 */

/**
 * Where a preview's PostgreSQL data comes from. Exactly one of `dump`,
 * `url` and `image`.
 * @public
 */
export interface PreviewPostgresSeedSpec {
  /**
   * Path of a dump in the component's repository (read at the preview's
   * commit, like `.backstage/preview.yaml`); at most 900 KiB.
   */
  dump?: string;
  /** URL of a dump, downloaded by the seed Job (for dumps too large for `dump`). */
  url?: string;
  /**
   * A PostgreSQL image that already holds the data; replaces `postgres.image`.
   * Built from the official image, it runs as its uid 999 (`postgres.runAsUser` to change).
   */
  image?: string;
  /** `sql` (run with psql) or `custom` (pg_restore); default: `sql` for `.sql` files, else `custom`. */
  format?: 'sql' | 'custom';
  /** Shown as the seed version; default: the git blob SHA of `dump`, the tag of `image`, or the `url`. */
  version?: string;
}

/** A migration command run in a workload's image against the preview database. @public */
export interface PreviewMigrateSpec {
  /** The workload whose image (and image pull secrets) runs the command. */
  workload: string;
  command: string[];
}

/** A PostgreSQL server of the preview's own (or a database on the shared server). @public */
export interface PreviewPostgresSpec {
  /** Major version; image `postgres:<version>` unless `image` is given. Default `16`. */
  version?: string;
  image?: string;
  /**
   * The uid the server (and its client tools in the seed Jobs) runs as.
   * Default: 999, the official image's user, unless `image` is given (then
   * the user the image declares). Needed for an image whose user is root or
   * named (a `restricted` namespace, the default, refuses both).
   */
  runAsUser?: number;
  /** Size of its volume; default `1Gi`. */
  storage?: string;
  /** Database name; default `app`. */
  database?: string;
  /** Role name; default `preview`. Its password is random per preview. */
  user?: string;
  /** Environment variable with the connection URL in every workload; default `DATABASE_URL`. */
  env?: string;
  seed?: PreviewPostgresSeedSpec;
  /** Run after the seed; the workloads start once it succeeded. */
  migrate?: PreviewMigrateSpec;
}

/** @public */
export interface PreviewRedisSpec {
  /** Image `redis:<version>` unless `image` is given; default `7`. */
  version?: string;
  image?: string;
  /**
   * The uid the server (and its client tools in the seed Jobs) runs as.
   * Default: 999, the official image's user, unless `image` is given (then
   * the user the image declares). Needed for an image whose user is root or
   * named (a `restricted` namespace, the default, refuses both).
   */
  runAsUser?: number;
  /** Default `REDIS_URL`. */
  env?: string;
}

/** @public */
export interface PreviewMongoDbSpec {
  /** Image `mongo:<version>` unless `image` is given; default `7`. */
  version?: string;
  image?: string;
  /**
   * The uid the server (and its client tools in the seed Jobs) runs as.
   * Default: 999, the official image's user, unless `image` is given (then
   * the user the image declares). Needed for an image whose user is root or
   * named (a `restricted` namespace, the default, refuses both).
   */
  runAsUser?: number;
  /** Default `1Gi`. */
  storage?: string;
  /** Default `app`. */
  database?: string;
  /** Default `MONGODB_URL`. */
  env?: string;
}

/** Backing services of a preview, each optional. @public */
export interface PreviewDatabasesSpec {
  postgres?: PreviewPostgresSpec;
  redis?: PreviewRedisSpec;
  mongodb?: PreviewMongoDbSpec;
}
