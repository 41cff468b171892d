import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import {
  PreviewFollowUp,
  PreviewOwnershipError,
} from '@backstage-previews/plugin-previews-node';
import { DatabasePreviewsStore } from '../database/DatabasePreviewsStore';
import { TestEngine } from '../testEngine';
import { previewComponent } from '../testUtils';
import type { DeployDependencies } from '../types';
import { PreviewService } from './PreviewService';

// Every use case that deploys goes through one transition: record the
// rollout, resolve the dependencies, apply, then on an error either put the
// record back (the engine refused before applying anything) or fail the
// preview. Real store (SQLite), a fake engine whose next deploy can fail.

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

async function setup(dependencies?: DeployDependencies) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabasePreviewsStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const engine = new TestEngine();
  const heard: Array<[PreviewStatus, PreviewStatus | undefined]> = [];
  const service = new PreviewService({
    store,
    engines: new Map([[engine.id, engine]]),
    defaultEngine: engine.id,
    catalog: catalogServiceMock({
      entities: [
        previewComponent('shop', {
          'backstage-previews.io/image': 'shop:{branch}',
          'backstage-previews.io/port': '8080',
        }),
      ],
    }),
    logger: mockServices.logger.mock(),
    installationId: 'test-installation',
    statusListeners: [
      {
        onStatusChange: (p, previous) => void heard.push([p.status, previous]),
      },
    ],
    ...(dependencies ? { dependencies } : {}),
  });
  const credentials = mockCredentials.user();
  const create = (branch = 'feature/a') =>
    service.create({
      entityRef: 'component:default/shop',
      branch,
      credentials,
    });
  /** A preview created and reported ready. */
  const ready = async (branch = 'feature/a', sha?: string) => {
    const p = await service.create({
      entityRef: 'component:default/shop',
      branch,
      credentials,
      ...(sha ? { sha } : {}),
    });
    await service.observe({
      name: p.name,
      previewId: p.id,
      state: 'available',
    });
    return service.get(p.id);
  };
  // Listeners run in the background: let them finish before asserting.
  const settle = () => new Promise(resolve => setTimeout(resolve, 20));
  return { service, store, engine, heard, credentials, create, ready, settle };
}

describe('PreviewService: one deploy transition', () => {
  it('create: a refusal forgets the record, so the request changes nothing', async () => {
    const { service, store, engine, create } = await setup();
    engine.nextError = new InputError('bad spec');
    await expect(create()).rejects.toThrow(InputError);
    engine.nextError = new PreviewOwnershipError(
      'namespace shop-a is not ours',
    );
    await expect(create()).rejects.toThrow(ConflictError);
    expect(await store.list({})).toEqual([]);
    expect(await service.list(undefined, true)).toEqual([]);
  });

  it('create: another failure keeps the preview, failed with the reason', async () => {
    const { engine, heard, create, settle } = await setup();
    engine.nextError = new Error('apiserver unavailable');
    const failed = await create();
    expect(failed).toMatchObject({
      status: 'failed',
      statusMessage: 'Deploying failed: apiserver unavailable',
    });
    await settle();
    expect(heard).toEqual([
      ['provisioning', undefined],
      ['failed', 'provisioning'],
    ]);
  });

  it('redeploy: a refusal puts the preview back as it was; a failure fails it and says why', async () => {
    const { service, engine, heard, credentials, ready, settle } =
      await setup();
    const sha1 = 'a'.repeat(40);
    const preview = await ready('feature/a', sha1);
    engine.nextError = new InputError('bad spec');
    await expect(
      service.redeploy(preview.id, { sha: 'b'.repeat(40), credentials }),
    ).rejects.toThrow(InputError);
    expect(await service.get(preview.id)).toMatchObject({
      status: 'ready',
      sha: sha1,
    });

    engine.nextError = new Error('apiserver unavailable');
    await expect(service.redeploy(preview.id, { credentials })).rejects.toThrow(
      'apiserver unavailable',
    );
    expect(await service.get(preview.id)).toMatchObject({
      status: 'failed',
      statusMessage: 'Deploying failed: apiserver unavailable',
    });
    await settle();
    // The rollouts that did not happen were never announced.
    expect(heard.slice(2)).toEqual([['failed', 'ready']]);
  });

  it('wake: any error puts the preview back to sleep', async () => {
    const { service, engine, credentials, ready } = await setup();
    const preview = await ready();
    expect(
      await service.setAsleep(preview.id, true, credentials),
    ).toMatchObject({ status: 'sleeping' });
    engine.nextError = new Error('apiserver unavailable');
    await expect(
      service.setAsleep(preview.id, false, credentials),
    ).rejects.toThrow('apiserver unavailable');
    expect(await service.get(preview.id)).toMatchObject({ status: 'sleeping' });
    expect(engine.deploys.at(-1)).toMatchObject({ asleep: true });
  });

  it('destroys what a deploy applied when a destroy landed meanwhile', async () => {
    const { service, engine, credentials, ready } = await setup();
    const preview = await ready();
    engine.during = async () => {
      await service.destroy(preview.id);
    };
    await service.redeploy(preview.id, { credentials });
    expect(engine.destroys).toEqual([preview.id, preview.id]);
    expect((await service.get(preview.id)).status).toBe('destroying');
  });

  it('deploys with the dependency URLs, then lets wiring redeploy dependents through the use cases', async () => {
    let followUp: PreviewFollowUp | undefined;
    const dependencies: DeployDependencies = {
      prepare: async () => ({
        env: [{ env: 'ORDERS_URL', url: 'http://orders.test' }],
        reachableChanged: true,
      }),
      wireDependents: async (_id, f) => {
        followUp = f;
      },
    };
    const { service, engine, credentials, create } = await setup(dependencies);
    const preview = await create();
    expect(engine.deploys[0].dependencies).toEqual([
      { env: 'ORDERS_URL', url: 'http://orders.test' },
    ]);
    await new Promise(resolve => setTimeout(resolve, 20));
    await service.observe({
      name: preview.name,
      previewId: preview.id,
      state: 'available',
    });
    expect(await followUp!.redeploy(preview.id, { credentials })).toMatchObject(
      { id: preview.id, status: 'provisioning' },
    );
    expect(engine.deploys).toHaveLength(2);
  });
});
