import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { PreviewStore } from '../../database/PreviewStore';
import { GitHubStore } from './GitHubStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

jest.setTimeout(60_000);

describe.each<[TestDatabaseId]>([['SQLITE_3'], ['POSTGRES_15']])('GitHubStore on %s', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    await PreviewStore.create({ database: { getClient: async () => knex, migrations: { skip: false } } });
    return { knex, store: new GitHubStore(knex) };
  }

  it('claims a delivery once and prunes old deliveries only', async () => {
    const { knex, store } = await createStore();
    expect(await store.claimDelivery('old')).toBe(true);
    expect(await store.claimDelivery('old')).toBe(false);
    expect(await store.claimDelivery('new')).toBe(true);
    await knex('previews_github_deliveries')
      .where({ delivery_id: 'old' })
      .update({ received_at: new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString() });

    await store.pruneDeliveries(new Date(Date.now() - 7 * 24 * 3600 * 1000));
    const left = (await knex('previews_github_deliveries').select('delivery_id')).map(r => r.delivery_id);
    expect(left).toEqual(['new']);
    expect(await store.claimDelivery('old')).toBe(true); // forgotten: a redelivery this late is new again
    expect(await store.claimDelivery('new')).toBe(false);
  });
});
