import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePreviewsStore } from '../../database/DatabasePreviewsStore';
import { GitHubStore } from './GitHubStore';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

jest.setTimeout(60_000);

describe.each<[TestDatabaseId]>([['SQLITE_3'], ['POSTGRES_15']])(
  'GitHubStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await DatabasePreviewsStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      return { knex, store: new GitHubStore(knex) };
    }

    it('claims a delivery once and prunes old deliveries only', async () => {
      const { knex, store } = await createStore();
      expect(await store.claimDelivery('old')).toBe(true);
      expect(await store.claimDelivery('old')).toBe(false);
      expect(await store.claimDelivery('new')).toBe(true);
      await knex('previews_github_deliveries')
        .where({ delivery_id: 'old' })
        .update({
          received_at: new Date(
            Date.now() - 8 * 24 * 3600 * 1000,
          ).toISOString(),
        });

      await store.pruneDeliveries(new Date(Date.now() - 7 * 24 * 3600 * 1000));
      const left = (
        await knex('previews_github_deliveries').select('delivery_id')
      ).map(r => r.delivery_id);
      expect(left).toEqual(['new']);
      expect(await store.claimDelivery('old')).toBe(true); // forgotten: a redelivery this late is new again
      expect(await store.claimDelivery('new')).toBe(false);
    });

    it('keeps pull request states per host, owner and name, owner and name without case', async () => {
      const { store } = await createStore();
      const dotcom = { host: 'github.com', fullName: 'Acme/Shop' };
      const enterprise = { host: 'ghe.acme.example', fullName: 'acme/shop' };
      await store.recordPullRequest(dotcom, 7, {
        state: 'open',
        headSha: 'a'.repeat(40),
        updatedAt: '2026-12-01T10:00:00Z',
      });
      await store.recordPullRequest(enterprise, 7, {
        state: 'closed',
        updatedAt: '2026-12-01T09:00:00Z',
      });

      expect(
        await store.getPullRequest(
          { host: 'github.com', fullName: 'acme/SHOP' },
          7,
        ),
      ).toEqual({
        state: 'open',
        headSha: 'a'.repeat(40),
        updatedAt: '2026-12-01T10:00:00Z',
      });
      expect(await store.getPullRequest(enterprise, 7)).toEqual({
        state: 'closed',
        updatedAt: '2026-12-01T09:00:00Z',
      });
      expect(await store.getPullRequest(dotcom, 8)).toBeUndefined();
      // an older state never overwrites a newer one, whatever the case of the name
      await store.recordPullRequest(
        { host: 'GitHub.com', fullName: 'acme/shop' },
        7,
        { state: 'closed', updatedAt: '2026-12-01T08:00:00Z' },
      );
      expect((await store.getPullRequest(dotcom, 7))?.state).toBe('open');
    });

    it('still reads a state stored before the host was part of the key, until a newer one is recorded', async () => {
      const { store, knex } = await createStore();
      const repo = { host: 'github.com', fullName: 'acme/legacy' };
      // a row as the previous version wrote it: `owner/name`, no host
      await knex('previews_github_pull_requests').insert({
        repo: 'acme/legacy',
        number: 3,
        state: 'closed',
        head_sha: null,
        pr_updated_at: '2026-12-01T10:00:00Z',
        labels: null,
      });
      expect(await store.getPullRequest(repo, 3)).toEqual({
        state: 'closed',
        updatedAt: '2026-12-01T10:00:00Z',
      });
      // a late, older delivery does not reopen it
      await store.recordPullRequest(repo, 3, {
        state: 'open',
        updatedAt: '2026-12-01T09:00:00Z',
      });
      expect((await store.getPullRequest(repo, 3))?.state).toBe('closed');
      // a newer state is recorded under the new key and wins
      await store.recordPullRequest(repo, 3, {
        state: 'open',
        headSha: 'b'.repeat(40),
        updatedAt: '2026-12-01T11:00:00Z',
      });
      expect(await store.getPullRequest(repo, 3)).toEqual({
        state: 'open',
        headSha: 'b'.repeat(40),
        updatedAt: '2026-12-01T11:00:00Z',
      });
      expect(
        (
          await knex('previews_github_pull_requests')
            .where({ number: 3 })
            .select('repo')
        )
          .map(r => r.repo)
          .sort(),
      ).toEqual(['acme/legacy', 'github.com/acme/legacy']);
    });
  },
);
