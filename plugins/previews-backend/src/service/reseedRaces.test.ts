import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabasePreviewsStore } from '../database/DatabasePreviewsStore';
import { TestEngine } from '../testEngine';
import { previewComponent } from '../testUtils';
import { PreviewService } from './PreviewService';

// A redeploy or a second reseed that read the preview before a reseed must
// not roll that reseed back or start it again (which would wipe the
// database twice): the compare-and-set of both includes the seed generation
// they read. Each test holds the slower side at its catalog read (the first
// await after reading the preview), runs the other side to completion, then
// lets the slower one go. Real store (SQLite); the engine records deploys.

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const spec = {
  workloads: [{ name: 'api', image: 'registry.test/api:1', port: 8080 }],
  databases: { postgres: { seed: { url: 'http://files.test/orders.sql' } } },
};

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabasePreviewsStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const engine = new TestEngine();
  const catalog = catalogServiceMock({
    entities: [
      previewComponent('orders', {
        'backstage-previews.io/spec': JSON.stringify(spec),
      }),
    ],
  });
  const service = new PreviewService({
    store,
    engines: new Map([[engine.id, engine]]),
    defaultEngine: engine.id,
    catalog,
    logger: mockServices.logger.mock(),
    installationId: 'test-installation',
  });
  const credentials = mockCredentials.user();
  const created = await service.create({
    entityRef: 'component:default/orders',
    branch: 'main',
    credentials,
  });
  await store.transition(created.id, ['provisioning'], { status: 'ready' });

  /** Holds the next catalog read until the returned function is called; resolves once it is held. */
  async function holdNextCatalogRead() {
    const read = catalog.getEntityByRef.bind(catalog);
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    let held!: () => void;
    const isHeld = new Promise<void>(resolve => (held = resolve));
    jest
      .spyOn(catalog, 'getEntityByRef')
      .mockImplementationOnce(async (...args) => {
        held();
        await gate;
        return read(...args);
      });
    return { isHeld, release };
  }
  return {
    service,
    store,
    engine,
    credentials,
    id: created.id,
    holdNextCatalogRead,
  };
}

describe('a reseed racing a redeploy or another reseed', () => {
  it('a redeploy that read the preview before a reseed is refused and changes nothing', async () => {
    const { service, store, engine, credentials, id, holdNextCatalogRead } =
      await setup();
    const hold = await holdNextCatalogRead();
    const redeploy = service.redeploy(id, { credentials });
    await hold.isHeld;

    const reseeded = await service.reseed(id, { credentials });
    expect(reseeded.seed).toMatchObject({ generation: 2 });
    hold.release();
    await expect(redeploy).rejects.toThrow(ConflictError);
    await expect(redeploy).rejects.toThrow(
      /changed during the redeploy \(a destroy or a reseed\); nothing was redeployed/,
    );

    // The reseed's generation and seed status stand; only the create and the reseed deployed.
    const stored = await store.get(id);
    expect(stored?.seedGeneration).toBe(2);
    expect(stored?.seed).toMatchObject({ generation: 2 });
    expect(engine.deploys.map(d => d.seedGeneration)).toEqual([1, 2]);
  });

  it('of two reseeds at once, one starts generation 2 and the other is refused: the database is wiped once', async () => {
    const { service, store, engine, credentials, id, holdNextCatalogRead } =
      await setup();
    // Both read the preview while it is provisioning (a reseed is allowed then).
    await store.transition(id, ['ready'], { status: 'provisioning' });
    const hold = await holdNextCatalogRead();
    const slow = service.reseed(id, { credentials });
    await hold.isHeld;

    expect((await service.reseed(id, { credentials })).seed).toMatchObject({
      generation: 2,
    });
    hold.release();
    await expect(slow).rejects.toThrow(/changed status during the reseed/);

    expect((await store.get(id))?.seedGeneration).toBe(2);
    expect(engine.deploys.map(d => d.seedGeneration)).toEqual([1, 2]);
  });

  it('a reseed that read the preview before a redeploy runs at most once', async () => {
    const { service, store, engine, credentials, id, holdNextCatalogRead } =
      await setup();
    const hold = await holdNextCatalogRead();
    const reseed = service.reseed(id, { credentials }).then(
      p => p.seed?.generation,
      (e: Error) => e.message,
    );
    await hold.isHeld;

    await service.redeploy(id, { credentials });
    hold.release();
    const outcome = await reseed;
    // Either it started generation 2 once, or it was refused (the preview changed); never twice, never rolled back.
    const generations = engine.deploys.map(d => d.seedGeneration);
    expect(generations.filter(g => g === 2).length).toBe(outcome === 2 ? 1 : 0);
    expect((await store.get(id))?.seedGeneration).toBe(
      Math.max(...generations.map(g => g ?? 1)),
    );
  });
});
