import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { DatabasePreviewsStore } from './DatabasePreviewsStore';

// The same store code on SQLite (embedded default) and on Postgres (production).
// The README's test command starts a local Postgres and sets
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; without it this fails.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

jest.setTimeout(60_000);

describe.each<[TestDatabaseId]>([['SQLITE_3'], ['POSTGRES_15']])(
  'DatabasePreviewsStore on %s',
  databaseId => {
    it('is configured to run', () => {
      expect(databases.supports(databaseId)).toBe(true);
    });

    async function createStore() {
      const knex = await databases.init(databaseId);
      return DatabasePreviewsStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
    }

    const base = {
      entityRef: 'component:default/shop',
      branch: 'feature/x',
      engine: 'kubernetes',
      name: 'shop-feature-x-12345678',
      namespace: 'shop-feature-x-12345678',
      status: 'provisioning' as const,
    };

    it('stores, reads and lists previews', async () => {
      const store = await createStore();
      const a = await store.insert({
        ...base,
        id: '00000000-0000-4000-8000-000000000001',
        createdAt: '2026-01-01T00:00:00.000Z',
        url: 'http://x',
      });
      await store.insert({
        ...base,
        id: '00000000-0000-4000-8000-000000000002',
        branch: 'main',
        name: 'shop-main-1',
        namespace: 'shop-main-1',
        createdAt: '2026-01-02T00:00:00.000Z',
      });
      await store.insert({
        ...base,
        id: '00000000-0000-4000-8000-000000000003',
        entityRef: 'component:default/other',
        createdAt: '2026-01-03T00:00:00.000Z',
      });

      expect(await store.get(a.id)).toEqual({ ...a, url: 'http://x' });
      expect(a.createdAt).toBe('2026-01-01T00:00:00.000Z');
      const listed = await store.list({ entityRef: 'component:default/shop' });
      expect(listed.map(p => p.branch)).toEqual(['main', 'feature/x']);
      expect(
        await store.get('00000000-0000-4000-8000-00000000dead'),
      ).toBeUndefined();
    });

    it('finds the live previews of a pull request by host, owner and name, without case', async () => {
      const store = await createStore();
      const pr = (id: string, entityRef: string, extra: object) =>
        store.insert({
          ...base,
          id,
          entityRef,
          name: `n-${id.slice(-1)}`,
          namespace: `n-${id.slice(-1)}`,
          pullRequest: { number: 5 },
          ...extra,
        });
      await pr('00000000-0000-4000-8000-000000000001', 'component:default/a', {
        repo: 'Acme/Shop',
        repoHost: 'github.com',
      });
      await pr('00000000-0000-4000-8000-000000000002', 'component:default/b', {
        repo: 'acme/shop',
        repoHost: 'GHE.acme.test',
      });
      // recorded before the host was: the default host's
      await pr('00000000-0000-4000-8000-000000000003', 'component:default/c', {
        repo: 'acme/shop',
      });
      const ids = async (host: string, fullName: string) =>
        (await store.listLiveByPullRequest({ host, fullName }, 5, 'github.com'))
          .map(p => p.id.slice(-1))
          .sort();
      expect(await ids('github.com', 'acme/shop')).toEqual(['1', '3']);
      expect(await ids('GitHub.com', 'ACME/SHOP')).toEqual(['1', '3']);
      // the same owner/name on another host is another repository
      expect(await ids('ghe.acme.test', 'acme/shop')).toEqual(['2']);
      expect(await ids('other.test', 'acme/shop')).toEqual([]);
      expect(
        await store.listLiveByPullRequest(
          { host: 'github.com', fullName: 'acme/shop' },
          6,
          'github.com',
        ),
      ).toEqual([]);
    });

    it('allows one live preview per component and branch', async () => {
      const store = await createStore();
      await store.insert({
        ...base,
        id: '00000000-0000-4000-8000-000000000001',
      });
      await expect(
        store.insert({ ...base, id: '00000000-0000-4000-8000-000000000002' }),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.insert({ ...base, id: '00000000-0000-4000-8000-000000000002' }),
      ).rejects.toThrow(/already has a preview of branch "feature\/x"/);
    });

    it('frees the branch once a preview is destroyed', async () => {
      const store = await createStore();
      const id = '00000000-0000-4000-8000-000000000001';
      await store.insert({ ...base, id });
      await store.transition(id, ['provisioning'], { status: 'destroying' });
      const destroyed = await store.transition(id, ['destroying'], {
        status: 'destroyed',
        destroyedAt: '2026-01-01T00:00:00.000Z',
      });
      expect(destroyed).toMatchObject({
        status: 'destroyed',
        destroyedAt: '2026-01-01T00:00:00.000Z',
      });
      expect(await store.findLiveByName(base.name)).toBeUndefined();
      await store.insert({
        ...base,
        id: '00000000-0000-4000-8000-000000000002',
      });
      expect((await store.findLiveByName(base.name))?.id).toBe(
        '00000000-0000-4000-8000-000000000002',
      );
      expect(await store.list({ statuses: ['destroyed'] })).toHaveLength(1);
    });

    it('changes status only from the expected statuses (compare-and-set)', async () => {
      const store = await createStore();
      const id = '00000000-0000-4000-8000-000000000001';
      await store.insert({ ...base, id });
      expect(
        await store.transition(id, ['destroying'], { status: 'destroyed' }),
      ).toBeUndefined();
      expect((await store.get(id))?.status).toBe('provisioning');
      const ready = await store.transition(id, ['provisioning'], {
        status: 'ready',
        readyAt: '2026-01-01T00:00:00.000Z',
        statusMessage: null,
      });
      expect(ready).toMatchObject({
        status: 'ready',
        readyAt: '2026-01-01T00:00:00.000Z',
      });
      expect(ready?.statusMessage).toBeUndefined();
    });
  },
);
