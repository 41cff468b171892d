import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePreviewsStore } from './DatabasePreviewsStore';
import { DependencyRoutesStore } from './DependencyRoutesStore';
import { dependentsOf } from '../dependencies/dependentsOf';
import type { ResolvedDependency } from '../types';

// The same store code on SQLite (embedded default) and on Postgres (production).
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

jest.setTimeout(60_000);

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const ordersRef = 'component:default/Orders-API';

describe.each<[TestDatabaseId]>([['SQLITE_3'], ['POSTGRES_15']])(
  'dependency records (previews columns and routes) on %s',
  databaseId => {
    async function stores() {
      const knex = await databases.init(databaseId);
      const previews = await DatabasePreviewsStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      const insert = (id: string, entityRef: string, branch: string) =>
        previews.insert({
          id,
          entityRef,
          branch,
          engine: 'kubernetes',
          name: `p-${id.slice(-1)}`,
          namespace: `p-${id.slice(-1)}`,
          status: 'ready',
        });
      await insert(A, 'component:default/web', 'feature/x');
      await insert(B, ordersRef, 'feature/x');
      await insert(C, ordersRef, 'main');
      const routes = new DependencyRoutesStore(knex);
      return { previews, dependencies: routes, routes };
    }

    const toB: ResolvedDependency = {
      entityRef: 'component:default/orders-api',
      env: 'ORDERS_API_URL',
      target: 'preview',
      url: 'http://app.p-b.svc.cluster.local',
      previewId: B,
      previewName: 'p-b',
      branch: 'feature/x',
      stagingUrl: 'https://orders.staging',
    };

    it('stores routes, replaces and restores them', async () => {
      const { dependencies } = await stores();
      expect(await dependencies.routesOf(A)).toEqual([]);
      await dependencies.setRoute(A, {
        dependencyRef: 'component:default/Orders-API',
        targetPreviewId: B,
        explicit: true,
      });
      expect(await dependencies.routesOf(A)).toEqual([
        {
          dependencyRef: 'component:default/orders-api',
          targetPreviewId: B,
          explicit: true,
        },
      ]);
      const before = (await dependencies.routesOf(A))[0];
      await dependencies.setRoute(A, {
        dependencyRef: 'component:default/orders-api',
        explicit: false,
        message: 'fell back',
      });
      expect(await dependencies.routesOf(A)).toEqual([
        {
          dependencyRef: 'component:default/orders-api',
          explicit: false,
          message: 'fell back',
        },
      ]);
      await dependencies.restoreRoute(
        A,
        'component:default/orders-api',
        before,
      );
      expect(await dependencies.routesOf(A)).toEqual([before]);
      await dependencies.restoreRoute(
        A,
        'component:default/orders-api',
        undefined,
      );
      expect(await dependencies.routesOf(A)).toEqual([]);
      await dependencies.setRoute(A, {
        dependencyRef: 'component:default/a',
        explicit: true,
      });
      await dependencies.setRoute(A, {
        dependencyRef: 'component:default/b',
        explicit: true,
      });
      await dependencies.setRoute(B, {
        dependencyRef: 'component:default/a',
        explicit: true,
      });
      await dependencies.deleteRoutesOf(A);
      expect(await dependencies.routesOf(A)).toEqual([]);
      expect(await dependencies.routesOf(B)).toHaveLength(1);
    });

    it('records resolved dependencies: previews show them (without staging URLs) and their group', async () => {
      const { previews, routes } = await stores();
      await previews.setResolvedDependencies(A, [toB], undefined);
      await previews.setResolvedDependencies(
        B,
        [],
        'http://app.p-b.svc.cluster.local',
      );
      await previews.setDependencyGroup('feature/x', new Set([A, B]));
      const { stagingUrl: _stagingUrl, ...shown } = toB;
      expect(await previews.get(A)).toMatchObject({
        dependencies: [shown],
        group: 'feature/x',
      });
      expect((await previews.get(A))?.dependencies?.[0]).not.toHaveProperty(
        'stagingUrl',
      );
      expect(await previews.get(C)).not.toHaveProperty('group');

      // Lookups the wiring makes: by component (any case), branch, group, and who points at a preview.
      expect(
        (
          await previews.liveForWiring({
            entityRefs: ['component:default/orders-api'],
          })
        )
          .map(p => p.id)
          .sort(),
      ).toEqual([B, C]);
      expect(
        (await previews.liveForWiring({ branch: 'feature/x' }))
          .map(p => p.id)
          .sort(),
      ).toEqual([A, B]);
      expect(
        (await previews.liveForWiring({ group: 'feature/x' }))
          .map(p => p.id)
          .sort(),
      ).toEqual([A, B]);
      expect(
        (await previews.liveForWiring({ ids: [A] }))[0].dependencies,
      ).toEqual([toB]);
      expect((await previews.wiringFactsByIds([B]))[0]).toMatchObject({
        id: B,
        serviceUrl: 'http://app.p-b.svc.cluster.local',
      });
      expect(
        (await dependentsOf({ store: previews, routes }, B)).map(p => p.id),
      ).toEqual([A]);
      await routes.setRoute(C, {
        dependencyRef: ordersRef,
        targetPreviewId: B,
        explicit: true,
      });
      expect(
        (await dependentsOf({ store: previews, routes }, B))
          .map(p => p.id)
          .sort(),
      ).toEqual([A, C]);

      // A group without members clears it; destroyed previews are no longer live.
      await previews.setDependencyGroup('feature/x', new Set());
      expect(await previews.get(A)).not.toHaveProperty('group');
      await previews.transition(B, ['ready'], {
        status: 'destroyed',
        destroyedAt: new Date().toISOString(),
      });
      expect(
        (await previews.liveForWiring({ branch: 'feature/x' })).map(p => p.id),
      ).toEqual([A]);
      expect((await previews.wiringFactsByIds([B]))[0].status).toBe(
        'destroyed',
      );
    });
  },
);
