import { randomUUID } from 'node:crypto';
import knexFactory, { Knex } from 'knex';
import { SharedPostgres, sharedDatabaseName } from './SharedPostgres';

// Against the real PostgreSQL of the tests.
const connection =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const describeWithPostgres = connection ? describe : describe.skip;

describeWithPostgres('SharedPostgres on a real server', () => {
  const url = new URL(connection ?? 'postgresql://localhost');
  const shared = new SharedPostgres({
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  let admin: Knex;
  beforeAll(() => {
    admin = knexFactory({
      client: 'pg',
      connection: `${connection}/postgres`,
      pool: { min: 0, max: 1 },
    });
  });
  afterAll(() => admin.destroy());

  const tables = async (database: string, user: string, password: string) => {
    const db = knexFactory({
      client: 'pg',
      connection: {
        host: url.hostname,
        port: Number(url.port || 5432),
        user,
        password,
        database,
      },
      pool: { min: 0, max: 1 },
    });
    try {
      return (
        await db.raw(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        )
      ).rows.map((r: { tablename: string }) => r.tablename);
    } finally {
      await db.destroy();
    }
  };

  it('creates, keeps on ensure, recreates empty, and drops idempotently', async () => {
    const id = randomUUID();
    const name = sharedDatabaseName(id);
    const conn = await shared.ensure(id, 'first-pw');
    expect(conn).toEqual({
      host: url.hostname,
      port: Number(url.port || 5432),
      database: name,
      user: name,
    });
    const owner = knexFactory({
      client: 'pg',
      connection: {
        host: url.hostname,
        port: conn.port,
        user: name,
        password: 'first-pw',
        database: name,
      },
      pool: { min: 0, max: 1 },
    });
    await owner.raw('CREATE TABLE orders (id int)');
    await owner.destroy();

    // A redeploy: same database, the password is (re)set.
    await shared.ensure(id, 'second-pw');
    expect(await tables(name, name, 'second-pw')).toEqual(['orders']);

    // A reseed: empty again.
    await shared.recreate(id);
    expect(await tables(name, name, 'second-pw')).toEqual([]);

    await shared.drop(id);
    await shared.drop(id);
    expect(await shared.exists(id)).toBe(false);
    expect(
      (await admin.raw('SELECT 1 FROM pg_roles WHERE rolname = ?', [name]))
        .rows,
    ).toEqual([]);
  });

  it('never drops or reuses a database of that name it did not create', async () => {
    const id = randomUUID();
    const name = sharedDatabaseName(id);
    await admin.raw(`CREATE DATABASE "${name}"`);
    try {
      await expect(shared.ensure(id, 'pw')).rejects.toThrow(
        'was not created by Backstage Previews',
      );
      await expect(shared.recreate(id)).rejects.toThrow(
        'was not created by Backstage Previews',
      );
      expect(
        (await admin.raw('SELECT 1 FROM pg_roles WHERE rolname = ?', [name]))
          .rows,
      ).toEqual([]);
      await shared.drop(id);
      expect(await shared.exists(id)).toBe(true);
    } finally {
      await admin.raw(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.raw(`DROP ROLE IF EXISTS "${name}"`);
    }
  });

  it('only names databases after preview ids', () => {
    expect(() => sharedDatabaseName('postgres')).toThrow('Not a preview id');
    expect(sharedDatabaseName('0b5c7d2e-1111-4222-8333-944445555666')).toBe(
      'previews_0b5c7d2e111142228333944445555666',
    );
  });
});
