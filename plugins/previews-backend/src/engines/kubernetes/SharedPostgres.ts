import { Config } from '@backstage/config';
import knexFactory, { Knex } from 'knex';
import { SharedPostgresConnection } from './renderDatabases';

/** Names of the databases and roles the backend creates: this prefix and the preview id. */
export const SHARED_DATABASE_PREFIX = 'previews_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Written on each database we create; a database without it is never dropped. */
const COMMENT_PREFIX = 'backstage-previews ';

/** A string literal for statements that take no parameters (DDL); standard_conforming_strings is on. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The little of a SQL client used here. */
interface SqlClient {
  query(
    sql: string,
    bindings?: string[],
  ): Promise<{ rowCount: number; rows: any[] }>;
  escapeLiteral(text: string): string;
}

/** `previews.databases.postgres.shared` of app-config. */
export interface SharedPostgresConfig {
  host: string;
  port: number;
  /** An administrator that may create databases and roles. */
  user: string;
  password: string;
  /** Database the administrator connects to; default `postgres`. */
  database?: string;
  /** Host (and port) the preview pods reach the server at, when it differs. */
  hostInCluster?: string;
  portInCluster?: number;
}

/** The database (and role) of one preview on the shared server. */
export function sharedDatabaseName(previewId: string): string {
  if (!UUID.test(previewId))
    throw new Error(`Not a preview id: ${JSON.stringify(previewId)}`);
  return `${SHARED_DATABASE_PREFIX}${previewId.replace(/-/g, '')}`;
}

/**
 * Previews' PostgreSQL databases on one shared server instead of a server
 * per preview: a database and a role with its own random password per
 * preview, dropped when the preview is destroyed. Only databases named with
 * our prefix and the preview's id, and carrying our comment, are dropped.
 */
export class SharedPostgres {
  static fromConfig(config?: Config): SharedPostgres | undefined {
    if (!config) return undefined;
    return new SharedPostgres({
      host: config.getString('host'),
      port: config.getOptionalNumber('port') ?? 5432,
      user: config.getString('user'),
      password: config.getString('password'),
      database: config.getOptionalString('database'),
      hostInCluster: config.getOptionalString('hostInCluster'),
      portInCluster: config.getOptionalNumber('portInCluster'),
    });
  }

  constructor(private readonly config: SharedPostgresConfig) {}

  private async withClient<T>(
    run: (client: SqlClient) => Promise<T>,
  ): Promise<T> {
    const db: Knex = knexFactory({
      client: 'pg',
      connection: {
        host: this.config.host,
        port: this.config.port,
        user: this.config.user,
        password: this.config.password,
        database: this.config.database ?? 'postgres',
        connectionTimeoutMillis: 10_000,
      } as Knex.PgConnectionConfig,
      pool: { min: 0, max: 1 },
    });
    try {
      return await run({
        query: async (sql, bindings = []) => {
          const result = bindings.length
            ? await db.raw(sql, bindings)
            : await db.raw(sql);
          return { rowCount: result.rows.length, rows: result.rows };
        },
        escapeLiteral: literal,
      });
    } finally {
      await db.destroy().catch(() => undefined);
    }
  }

  private connectionOf(name: string): SharedPostgresConnection {
    return {
      host: this.config.hostInCluster ?? this.config.host,
      port: this.config.portInCluster ?? this.config.port,
      database: name,
      user: name,
    };
  }

  /** Whether the database exists and carries our comment for this preview. */
  private async ownedDatabase(
    client: SqlClient,
    name: string,
    previewId: string,
  ): Promise<'absent' | 'ours' | 'foreign'> {
    const result = await client.query(
      'SELECT shobj_description(oid, ?) AS comment FROM pg_database WHERE datname = ?',
      ['pg_database', name],
    );
    if (!result.rowCount) return 'absent';
    return result.rows[0].comment === `${COMMENT_PREFIX}${previewId}`
      ? 'ours'
      : 'foreign';
  }

  private async createDatabase(
    client: SqlClient,
    name: string,
    previewId: string,
  ) {
    await client.query(`CREATE DATABASE "${name}" OWNER "${name}"`);
    await client.query(
      `COMMENT ON DATABASE "${name}" IS ${client.escapeLiteral(
        `${COMMENT_PREFIX}${previewId}`,
      )}`,
    );
    // Other roles of the shared server (other previews) may not connect.
    await client.query(
      `REVOKE CONNECT, TEMPORARY ON DATABASE "${name}" FROM PUBLIC`,
    );
  }

  /**
   * Creates the preview's role and database if missing and sets the role's
   * password (idempotent). Returns how the preview's pods connect.
   */
  async ensure(
    previewId: string,
    password: string,
  ): Promise<SharedPostgresConnection> {
    const name = sharedDatabaseName(previewId);
    await this.withClient(async client => {
      // Someone else's database of that name: touch nothing, not even the role.
      const state = await this.ownedDatabase(client, name, previewId);
      if (state === 'foreign')
        throw new Error(
          `Database ${name} on the shared server was not created by Backstage Previews`,
        );
      const role = await client.query(
        'SELECT 1 FROM pg_roles WHERE rolname = ?',
        [name],
      );
      const verb = role.rowCount ? 'ALTER' : 'CREATE';
      await client.query(
        `${verb} ROLE "${name}" WITH LOGIN PASSWORD ${client.escapeLiteral(
          password,
        )}`,
      );
      if (state === 'absent')
        await this.createDatabase(client, name, previewId);
    });
    return this.connectionOf(name);
  }

  /** Drops and creates the preview's database again, empty (a reseed). */
  async recreate(previewId: string): Promise<void> {
    const name = sharedDatabaseName(previewId);
    await this.withClient(async client => {
      const state = await this.ownedDatabase(client, name, previewId);
      if (state === 'foreign')
        throw new Error(
          `Database ${name} on the shared server was not created by Backstage Previews`,
        );
      if (state === 'ours')
        await client.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await this.createDatabase(client, name, previewId);
    });
  }

  /** Drops the preview's database and role (the preview was destroyed). Idempotent. */
  async drop(previewId: string): Promise<void> {
    const name = sharedDatabaseName(previewId);
    await this.withClient(async client => {
      const state = await this.ownedDatabase(client, name, previewId);
      if (state === 'foreign') return;
      if (state === 'ours')
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS "${name}"`);
    });
  }

  /** Whether the preview's database exists (for tests and diagnostics). */
  async exists(previewId: string): Promise<boolean> {
    const name = sharedDatabaseName(previewId);
    return this.withClient(
      async client =>
        (await this.ownedDatabase(client, name, previewId)) !== 'absent',
    );
  }
}
