import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  PREVIEWS_STAGING_URL_ANNOTATION,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewDeployment,
  PreviewFollowUp,
} from '@backstage-previews/plugin-previews-node';
import { DatabasePreviewsStore } from '../database/DatabasePreviewsStore';
import { DependencyRoutesStore } from '../database/DependencyRoutesStore';
import { previewComponent } from '../testUtils';
import type { StoredPreview } from '../types';
import { DependencyWiring } from './DependencyWiring';

// Dependency wiring against the real store (SQLite) and an in-memory
// catalog: `web` depends on `orders`. What each deploy resolves is read
// back from the store; the follow-up that redeploys dependents is a fake
// that re-resolves them the way a real redeploy would.

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const ORDERS = 'component:default/orders';
const STAGING = 'https://orders.staging.test';

/** `web`, which depends on `orders` in the catalog. */
const web: Entity = {
  ...previewComponent('web'),
  relations: [{ type: 'dependsOn', targetRef: ORDERS }],
};

/** How the fake engine says others reach a preview. */
const serviceUrl = (name: string) => `http://app.${name}.svc.cluster.local`;
const engine = { serviceUrlOf: (d: PreviewDeployment) => serviceUrl(d.name) };

async function setup(
  options: { ordersStagingUrl?: string } = { ordersStagingUrl: STAGING },
) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabasePreviewsStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const routes = new DependencyRoutesStore(knex);
  const orders = previewComponent(
    'orders',
    options.ordersStagingUrl
      ? { [PREVIEWS_STAGING_URL_ANNOTATION]: options.ordersStagingUrl }
      : {},
  );
  const catalog = catalogServiceMock({ entities: [web, orders] });
  const logger = mockServices.logger.mock();
  const recordEvent = jest.fn(
    async (
      _id: string,
      _event: { type: string; actor?: string; message: string },
    ) => {},
  );
  const wiring = new DependencyWiring({
    store,
    routes,
    catalog,
    auth: mockServices.auth(),
    logger,
    recordEvent,
  });

  let count = 0;
  const insert = async (
    component: 'web' | 'orders',
    branch: string,
    status: PreviewStatus = 'ready',
  ) => {
    count++;
    const name = `${component}-${count}`;
    return store.insert({
      id: `00000000-0000-4000-8000-${String(count).padStart(12, '0')}`,
      entityRef: `component:default/${component}`,
      branch,
      engine: 'test',
      name,
      namespace: name,
      status,
    });
  };
  const deployment = (p: StoredPreview): PreviewDeployment => ({
    previewId: p.id,
    name: p.name,
    entityRef: p.entityRef,
    branch: p.branch,
    spec: {
      workloads: [{ name: 'app', image: 'registry.test/app:1', port: 8080 }],
    },
  });
  const prepare = (p: StoredPreview) => wiring.prepare(deployment(p), engine);
  /** What the last prepare recorded, as dependency wiring reads it back. */
  const wired = async (id: string) =>
    (await store.liveForWiring({ ids: [id] }))[0];
  /** A follow-up whose redeploy resolves the dependencies again, as PreviewService's does. */
  const followUp = () => {
    const redeploy = jest.fn(
      async (id: string, _request: { credentials: unknown }) => {
        const p = (await store.get(id))!;
        await prepare(p);
        return p;
      },
    );
    return { redeploy } satisfies PreviewFollowUp;
  };
  return {
    store,
    routes,
    catalog,
    logger,
    recordEvent,
    wiring,
    insert,
    deployment,
    prepare,
    wired,
    followUp,
  };
}

describe('DependencyWiring.prepare', () => {
  it('uses staging when the dependency has no preview, records it, and says when the address changed', async () => {
    const { wiring, insert, deployment, prepare, wired } = await setup();
    const p = await insert('web', 'feature/x');

    expect(await prepare(p)).toEqual({
      env: [{ env: 'ORDERS_URL', url: STAGING }],
      reachableChanged: true,
    });
    expect(await wired(p.id)).toMatchObject({
      serviceUrl: serviceUrl(p.name),
      dependencies: [
        {
          entityRef: ORDERS,
          env: 'ORDERS_URL',
          target: 'staging',
          url: STAGING,
          stagingUrl: STAGING,
        },
      ],
    });

    // Same address again: nobody needs rewiring.
    expect((await prepare(p))?.reachableChanged).toBe(false);
    // An engine without serviceUrlOf: its public URL (none here), a change.
    expect((await wiring.prepare(deployment(p), {}))?.reachableChanged).toBe(
      true,
    );
    expect((await wired(p.id)).serviceUrl).toBeUndefined();
  });

  it('uses a reachable preview of the dependency on the same branch, and groups the two', async () => {
    const { store, insert, prepare, wired } = await setup();
    const ordersX = await insert('orders', 'feature/x');
    const ordersMain = await insert('orders', 'main');
    await prepare(ordersX);
    await prepare(ordersMain);
    // Not reachable yet (never deployed, so no address): staging for feature/y.
    await insert('orders', 'feature/y', 'provisioning');
    const p = await insert('web', 'feature/x');
    const onY = await insert('web', 'feature/y');

    expect(await prepare(p)).toEqual({
      env: [
        {
          env: 'ORDERS_URL',
          url: serviceUrl(ordersX.name),
          previewName: ordersX.name,
        },
      ],
      reachableChanged: true,
    });
    expect((await wired(p.id)).dependencies).toEqual([
      {
        entityRef: ORDERS,
        env: 'ORDERS_URL',
        target: 'preview',
        url: serviceUrl(ordersX.name),
        previewId: ordersX.id,
        previewName: ordersX.name,
        branch: 'feature/x',
        stagingUrl: STAGING,
      },
    ]);
    expect((await store.get(p.id))?.group).toBe('feature/x');
    expect((await store.get(ordersX.id))?.group).toBe('feature/x');
    expect((await store.get(ordersMain.id))?.group).toBeUndefined();

    expect((await prepare(onY))?.env).toEqual([
      { env: 'ORDERS_URL', url: STAGING },
    ]);
  });

  it("follows a route: to another branch's preview, to staging over the group, and off a destroyed target", async () => {
    const { store, routes, insert, prepare, wired } = await setup();
    const ordersX = await insert('orders', 'feature/x');
    const ordersMain = await insert('orders', 'main');
    await prepare(ordersX);
    await prepare(ordersMain);
    const p = await insert('web', 'feature/x');

    await routes.setRoute(p.id, {
      dependencyRef: ORDERS,
      targetPreviewId: ordersMain.id,
      explicit: true,
    });
    expect((await prepare(p))?.env).toEqual([
      {
        env: 'ORDERS_URL',
        url: serviceUrl(ordersMain.name),
        previewName: ordersMain.name,
      },
    ]);
    expect((await wired(p.id)).dependencies?.[0]).toMatchObject({
      target: 'preview',
      previewId: ordersMain.id,
      branch: 'main',
    });

    await routes.setRoute(p.id, { dependencyRef: ORDERS, explicit: true });
    expect((await prepare(p))?.env).toEqual([
      { env: 'ORDERS_URL', url: STAGING },
    ]);
    expect((await store.get(p.id))?.group).toBeUndefined();

    // The target of a route is destroyed (no longer live): staging, saying why.
    await routes.setRoute(p.id, {
      dependencyRef: ORDERS,
      targetPreviewId: ordersMain.id,
      explicit: true,
    });
    await store.transition(ordersMain.id, ['ready'], {
      status: 'destroyed',
      destroyedAt: new Date().toISOString(),
    });
    expect((await prepare(p))?.env).toEqual([
      { env: 'ORDERS_URL', url: STAGING },
    ]);
    expect((await wired(p.id)).dependencies?.[0]).toMatchObject({
      target: 'staging',
      message: `orders preview ${ordersMain.name} is destroyed; now using staging`,
    });
  });

  it('keeps the last resolved URLs when the catalog fails', async () => {
    const { catalog, logger, insert, prepare, wired } = await setup();
    const p = await insert('web', 'feature/x');
    await prepare(p);
    jest
      .spyOn(catalog, 'getEntityByRef')
      .mockRejectedValueOnce(new Error('catalog unavailable'));

    expect(await prepare(p)).toEqual({
      env: [{ env: 'ORDERS_URL', url: STAGING }],
      reachableChanged: false,
    });
    expect((await wired(p.id)).dependencies).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('catalog unavailable'),
    );
  });

  it('is nothing for a preview that is not recorded', async () => {
    const { wiring } = await setup();
    const gone = {
      previewId: '00000000-0000-4000-8000-00000000dead',
      name: 'x',
      entityRef: 'component:default/web',
      branch: 'b',
    };
    expect(
      await wiring.prepare({ ...gone, spec: { workloads: [] } }, engine),
    ).toBeUndefined();
  });
});

describe('DependencyWiring on status changes', () => {
  it('falls the dependents of a destroyed preview back to staging, with a notice, and redeploys them', async () => {
    const {
      store,
      routes,
      recordEvent,
      wiring,
      insert,
      prepare,
      wired,
      followUp,
    } = await setup();
    const ordersX = await insert('orders', 'feature/x');
    await prepare(ordersX);
    const sameBranch = await insert('web', 'feature/x');
    const routed = await insert('web', 'feature/y');
    const unrelated = await insert('web', 'feature/z');
    await routes.setRoute(routed.id, {
      dependencyRef: ORDERS,
      targetPreviewId: ordersX.id,
      explicit: true,
    });
    for (const p of [sameBranch, routed, unrelated]) await prepare(p);
    expect((await wired(routed.id)).dependencies?.[0].previewId).toBe(
      ordersX.id,
    );

    const destroying = await store.transition(ordersX.id, ['ready'], {
      status: 'destroying',
    });
    const { redeploy } = followUp();
    await wiring.onStatusChange(destroying!, 'ready', { redeploy });

    const notice = `orders preview ${ordersX.name} was destroyed; now using staging`;
    expect(redeploy.mock.calls.map(([id]) => id).sort()).toEqual([
      sameBranch.id,
      routed.id,
    ]);
    for (const [, request] of redeploy.mock.calls)
      expect(request.credentials).toBeDefined();
    // A user's route to it is replaced by the fallback (not a user choice).
    for (const p of [sameBranch, routed]) {
      expect(await routes.routesOf(p.id)).toEqual([
        { dependencyRef: ORDERS, explicit: false, message: notice },
      ]);
      expect(recordEvent).toHaveBeenCalledWith(p.id, {
        type: 'rerouted',
        actor: 'system',
        message: notice,
      });
      expect((await wired(p.id)).dependencies).toEqual([
        {
          entityRef: ORDERS,
          env: 'ORDERS_URL',
          target: 'staging',
          url: STAGING,
          stagingUrl: STAGING,
          message: notice,
        },
      ]);
    }
    expect(await routes.routesOf(unrelated.id)).toEqual([]);
    expect((await store.get(sameBranch.id))?.group).toBeUndefined();

    // Its destroyed report later redeploys nobody again.
    const destroyed = await store.transition(ordersX.id, ['destroying'], {
      status: 'destroyed',
      destroyedAt: new Date().toISOString(),
    });
    await wiring.onStatusChange(destroyed!, 'destroying', { redeploy });
    expect(redeploy).toHaveBeenCalledTimes(2);
  });

  it('says a dependent now uses nothing when the dependency has no staging URL', async () => {
    const { store, routes, wiring, insert, prepare, wired, followUp } =
      await setup({});
    const ordersX = await insert('orders', 'feature/x');
    await prepare(ordersX);
    const p = await insert('web', 'feature/x');
    expect((await prepare(p))?.env).toEqual([
      {
        env: 'ORDERS_URL',
        url: serviceUrl(ordersX.name),
        previewName: ordersX.name,
      },
    ]);

    const destroying = await store.transition(ordersX.id, ['ready'], {
      status: 'destroying',
    });
    const { redeploy } = followUp();
    await wiring.onStatusChange(destroying!, 'ready', { redeploy });

    const notice = `orders preview ${ordersX.name} was destroyed; now using nothing (no staging URL)`;
    expect(redeploy).toHaveBeenCalledTimes(1);
    expect(await routes.routesOf(p.id)).toEqual([
      { dependencyRef: ORDERS, explicit: false, message: notice },
    ]);
    expect((await wired(p.id)).dependencies?.[0]).toMatchObject({
      target: 'unresolved',
      message: expect.stringContaining(notice),
    });
    expect((await prepare(p))?.env).toEqual([]);
  });

  it('changes nothing on a status change that is not a destroy', async () => {
    const { store, routes, wiring, insert, prepare, followUp } = await setup();
    const ordersX = await insert('orders', 'feature/x');
    await prepare(ordersX);
    const p = await insert('web', 'feature/x');
    await prepare(p);
    const { redeploy } = followUp();

    const degraded = await store.transition(ordersX.id, ['ready'], {
      status: 'degraded',
    });
    await wiring.onStatusChange(degraded!, 'ready', { redeploy });
    expect(redeploy).not.toHaveBeenCalled();
    expect(await routes.routesOf(p.id)).toEqual([]);
  });

  it("forgets a destroyed preview's own routes (only once it is destroyed)", async () => {
    const { store, routes, wiring, insert, prepare, followUp } = await setup();
    const ordersMain = await insert('orders', 'main');
    await prepare(ordersMain);
    const p = await insert('web', 'feature/x');
    await routes.setRoute(p.id, {
      dependencyRef: ORDERS,
      targetPreviewId: ordersMain.id,
      explicit: true,
    });
    await prepare(p);
    const { redeploy } = followUp();

    const destroying = await store.transition(p.id, ['ready'], {
      status: 'destroying',
    });
    await wiring.onStatusChange(destroying!, 'ready', { redeploy });
    expect(await routes.routesOf(p.id)).toHaveLength(1);

    const destroyed = await store.transition(p.id, ['destroying'], {
      status: 'destroyed',
      destroyedAt: new Date().toISOString(),
    });
    await wiring.onStatusChange(destroyed!, 'destroying', { redeploy });
    expect(await routes.routesOf(p.id)).toEqual([]);
    // Nothing used it: nobody was redeployed.
    expect(redeploy).not.toHaveBeenCalled();
  });

  it('logs a redeploy that fails and still records the fallback', async () => {
    const { store, routes, logger, wiring, insert, prepare } = await setup();
    const ordersX = await insert('orders', 'feature/x');
    await prepare(ordersX);
    const p = await insert('web', 'feature/x');
    await prepare(p);

    const destroying = await store.transition(ordersX.id, ['ready'], {
      status: 'destroying',
    });
    const redeploy = jest
      .fn()
      .mockRejectedValue(new Error('apiserver unavailable'));
    await expect(
      wiring.onStatusChange(destroying!, 'ready', { redeploy }),
    ).resolves.toBeUndefined();
    expect(redeploy).toHaveBeenCalledWith(p.id, expect.anything());
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        new RegExp(`Rewiring preview ${p.name} .*apiserver unavailable`),
      ),
    );
    expect(await routes.routesOf(p.id)).toEqual([
      expect.objectContaining({ explicit: false }),
    ]);
  });
});

describe('DependencyWiring.wireDependents', () => {
  it('redeploys same-branch dependents once a preview of their dependency is reachable, but not those a user pointed elsewhere', async () => {
    const { routes, recordEvent, wiring, insert, prepare, wired, followUp } =
      await setup();
    const p = await insert('web', 'feature/x');
    const chose = await insert('web', 'feature/x-staging');
    await prepare(p);
    expect((await wired(p.id)).dependencies?.[0].target).toBe('staging');

    const ordersX = await insert('orders', 'feature/x');
    await prepare(ordersX);
    const { redeploy } = followUp();
    await wiring.wireDependents(ordersX.id, { redeploy });

    expect(redeploy.mock.calls.map(([id]) => id)).toEqual([p.id]);
    expect(recordEvent).toHaveBeenCalledWith(p.id, {
      type: 'rerouted',
      actor: 'system',
      message: `orders now points to preview ${ordersX.name} (branch feature/x)`,
    });
    expect((await wired(p.id)).dependencies?.[0]).toMatchObject({
      target: 'preview',
      previewId: ordersX.id,
    });

    // A user chose staging: a reachable same-branch preview does not move it.
    const ordersY = await insert('orders', 'feature/x-staging');
    await routes.setRoute(chose.id, { dependencyRef: ORDERS, explicit: true });
    await prepare(chose);
    await prepare(ordersY);
    redeploy.mockClear();
    await wiring.wireDependents(ordersY.id, { redeploy });
    expect(redeploy).not.toHaveBeenCalled();
  });
});
