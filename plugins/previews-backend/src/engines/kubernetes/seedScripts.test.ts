/*
 * The shell scripts of the seed and migrate Jobs, run with the real psql and
 * pg_restore against the real PostgreSQL of the tests (as the Jobs' containers
 * would against the preview's server).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  MARK_MIGRATED_SCRIPT,
  SEED_SCRIPT,
  WAIT_SCRIPT,
} from './renderSeedJobs';

const connection =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const describeWithPostgres = connection ? describe : describe.skip;
const ORDERS_SQL = resolve(
  __dirname,
  '../../../../../examples/seed/orders.sql',
);

describeWithPostgres('seed and migrate scripts on a real PostgreSQL', () => {
  const url = new URL(connection ?? 'postgresql://localhost');
  const database = `seed_scripts_${process.pid}`;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGCONNECT_TIMEOUT: '5',
    APP_DB: database,
  };
  const run = (script: string, extra: Record<string, string>) =>
    spawnSync('sh', ['-c', script], {
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });
  // A connection per query: recreating the database ends every open one.
  const app = {
    raw: async (sql: string) => {
      const db: Knex = knexFactory({
        client: 'pg',
        connection: `${connection}/${database}`,
        pool: { min: 0, max: 1 },
      });
      try {
        return await db.raw(sql);
      } finally {
        await db.destroy();
      }
    },
  };
  afterAll(async () => {
    const admin = knexFactory({
      client: 'pg',
      connection: `${connection}/postgres`,
      pool: { min: 0, max: 1 },
    });
    await admin.raw(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.destroy();
  });

  const markers = async () =>
    (
      await app.raw(
        'SELECT step, generation, key FROM backstage_previews.markers ORDER BY at, step',
      )
    ).rows;

  it('restores the SQL dump into a new database and marks it seeded', async () => {
    const result = run(SEED_SCRIPT, {
      RECREATE: '1',
      SEED_GENERATION: '1',
      SEED_FILE: ORDERS_SQL,
      SEED_FORMAT: 'sql',
      SEED_VERSION: "v1 'quoted'",
    });
    expect(result.stderr).not.toContain('ERROR');
    expect(result.status).toBe(0);
    expect(
      (await app.raw('SELECT count(*)::int AS n FROM orders')).rows[0].n,
    ).toBe(4);
    expect(await markers()).toEqual([
      { step: 'seeded', generation: 1, key: "v1 'quoted'" },
    ]);
  });

  it('lets the migrate and app waits through once the markers are there', async () => {
    expect(
      run(WAIT_SCRIPT, {
        SEED_GENERATION: '1',
        WAIT_STEP: 'seeded',
        WAIT_KEY: '',
      }).status,
    ).toBe(0);
    expect(
      run(MARK_MIGRATED_SCRIPT, {
        SEED_GENERATION: '1',
        MIGRATE_JOB: 'migrate-g1-abcdef12',
      }).status,
    ).toBe(0);
    expect(
      run(WAIT_SCRIPT, {
        SEED_GENERATION: '1',
        WAIT_STEP: 'migrated',
        WAIT_KEY: 'migrate-g1-abcdef12',
      }).status,
    ).toBe(0);
    expect(await markers()).toContainEqual({
      step: 'migrated',
      generation: 1,
      key: 'migrate-g1-abcdef12',
    });
  });

  it('drops back to the seed on the next generation (a reseed), from a custom-format dump', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'));
    const custom = join(dir, 'orders.dump');
    execFileSync(
      'pg_dump',
      ['-Fc', '-f', custom, '--exclude-schema=backstage_previews', database],
      { env },
    );
    await app.raw('DELETE FROM orders');
    await app.raw('CREATE TABLE scratch (x int)');
    const result = run(SEED_SCRIPT, {
      RECREATE: '1',
      SEED_GENERATION: '2',
      SEED_FILE: custom,
      SEED_FORMAT: 'custom',
    });
    expect(result.status).toBe(0);
    expect(
      (await app.raw('SELECT count(*)::int AS n FROM orders')).rows[0].n,
    ).toBe(4);
    expect(
      (await app.raw("SELECT to_regclass('scratch') AS t")).rows[0].t,
    ).toBeNull();
    expect(await markers()).toEqual([
      { step: 'seeded', generation: 2, key: '' },
    ]);
  });

  it('without RECREATE seeds a fresh database once and leaves a seeded one alone', async () => {
    // Seeded at generation 2 already (the previous test): nothing to do for 2.
    const again = run(SEED_SCRIPT, {
      SEED_GENERATION: '2',
      SEED_FILE: ORDERS_SQL,
      SEED_FORMAT: 'sql',
    });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('generation 2 is seeded already');
    expect(
      (await app.raw('SELECT count(*)::int AS n FROM customers')).rows[0].n,
    ).toBe(3);
  });

  it('without RECREATE seeds a database that has no markers yet (a seed image, a shared server)', async () => {
    const fresh = `${database}_fresh`;
    const admin = knexFactory({
      client: 'pg',
      connection: `${connection}/postgres`,
      pool: { min: 0, max: 1 },
    });
    await admin.raw(`DROP DATABASE IF EXISTS "${fresh}" WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE "${fresh}"`);
    try {
      const result = run(SEED_SCRIPT, {
        APP_DB: fresh,
        SEED_GENERATION: '1',
        SEED_FILE: ORDERS_SQL,
        SEED_FORMAT: 'sql',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('seeded generation 1');
    } finally {
      await admin.raw(`DROP DATABASE IF EXISTS "${fresh}" WITH (FORCE)`);
      await admin.destroy();
    }
  });

  it('fails with the error in its output when the dump is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'));
    const broken = join(dir, 'broken.sql');
    writeFileSync(
      broken,
      'CREATE TABLE ok (x int);\nINSERT INTO missing_table VALUES (1);\n',
    );
    const result = run(SEED_SCRIPT, {
      RECREATE: '1',
      SEED_GENERATION: '3',
      SEED_FILE: broken,
      SEED_FORMAT: 'sql',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('relation "missing_table" does not exist');
  });
});
