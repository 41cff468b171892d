import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { PreviewTestRun } from '@backstage-previews/plugin-previews-common';
import {
  PreviewEngine,
  PreviewTestRunRequest,
} from '@backstage-previews/plugin-previews-node';
import { DatabasePreviewsStore } from '../database/DatabasePreviewsStore';
import type { StoredPreview } from '../types';
import { SmokeTests } from './SmokeTests';
import { pendingRun } from './testRuns';

// Two replicas on one real database (SQLite and Postgres): each run starts
// once, ends once, and its verdict moves the preview between ready and
// `degraded: tests failed`. The engine records what it is asked to start.

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});
jest.setTimeout(60_000);

const ID = '00000000-0000-4000-8000-0000000000aa';
const plan = {
  tests: [
    { name: 'api', image: 'i' },
    { name: 'e2e', image: 'i' },
  ],
};

describe.each<[TestDatabaseId]>([['SQLITE_3'], ['POSTGRES_15']])(
  'SmokeTests on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await DatabasePreviewsStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      const started: PreviewTestRunRequest[] = [];
      const engine = {
        id: 'kubernetes',
        tests: {
          start: async (_t: unknown, r: PreviewTestRunRequest) =>
            void started.push(r),
        },
      } as unknown as PreviewEngine;
      const told: string[] = [];
      const replica = () =>
        new SmokeTests({
          store,
          engines: new Map([['kubernetes', engine]]),
          logger: mockServices.logger.mock(),
          notifier: {
            notify: (p: StoredPreview, previous) =>
              void told.push(
                `${previous} → ${p.status}: ${p.statusMessage ?? ''}`,
              ),
            notifyTestRun: (_p: StoredPreview, t: PreviewTestRun) =>
              void told.push(`run ${t.run} ${t.status}`),
            notifyUpdate: (p: StoredPreview) =>
              void told.push(`run ${p.tests?.run} updated`),
          },
          bypassFor: async (_id, seconds) => ({
            token: `t-${seconds}`,
            header: 'x-previews-bypass',
          }),
        });
      await store.insert({
        id: ID,
        entityRef: 'component:default/shop',
        branch: 'main',
        engine: 'kubernetes',
        name: 'shop-main-1',
        namespace: 'shop-main-1',
        status: 'ready',
        url: 'http://shop-main-1.previews.test',
        sha: 'a'.repeat(40),
        ...(pendingRun(plan, 'create', undefined, 'a'.repeat(40)) as {
          tests: PreviewTestRun;
          testPlan: typeof plan;
        }),
      });
      return { store, started, told, a: replica(), b: replica() };
    }
    const seen = (...results: PreviewTestRun['results']) => ({
      run: 1,
      results,
    });

    it('starts a pending run once, with the URL and a token good for the longest test', async () => {
      const { store, started, told, a, b } = await setup();
      const ready = (await store.get(ID))!;
      await Promise.all([a.onStatusChange(ready), b.onStatusChange(ready)]);
      expect(started).toEqual([
        {
          run: 1,
          plan,
          sha: 'a'.repeat(40),
          url: 'http://shop-main-1.previews.test',
          bypassToken: 't-900',
          bypassHeader: 'x-previews-bypass',
        },
      ]);
      expect((await store.get(ID))!.tests).toMatchObject({
        run: 1,
        status: 'running',
        startedAt: expect.any(String),
      });
      expect(told).toEqual(['run 1 running']);
    });

    it('ends a failed run once: degraded naming the test; a passing re-run makes it ready again', async () => {
      const { store, started, told, a, b } = await setup();
      await a.onStatusChange((await store.get(ID))!);
      const running = (await store.get(ID))!;
      await a.observed(
        running,
        seen(
          { name: 'api', status: 'passed' },
          { name: 'e2e', status: 'running' },
        ),
      );
      expect((await store.get(ID))!.tests).toMatchObject({
        status: 'running',
        results: [
          { name: 'api', status: 'passed' },
          { name: 'e2e', status: 'running' },
        ],
      });
      const ended = seen(
        { name: 'api', status: 'passed' },
        { name: 'e2e', status: 'failed', message: 'exited with code 1' },
      );
      const now = (await store.get(ID))!;
      await Promise.all([a.observed(now, ended), b.observed(now, ended)]);
      const failed = (await store.get(ID))!;
      expect(failed).toMatchObject({
        status: 'degraded',
        statusMessage: 'tests failed: e2e',
        tests: { status: 'failed', finishedAt: expect.any(String) },
      });
      // A result while the run goes on is an update (the portal refreshes); the end is told once.
      expect(told).toEqual([
        'run 1 running',
        'run 1 updated',
        'run 1 failed',
        'ready → degraded: tests failed: e2e',
      ]);

      const again = await a.rerun(failed);
      expect(again.tests).toMatchObject({
        run: 2,
        status: 'running',
        trigger: 'rerun',
      });
      await expect(b.rerun(again)).rejects.toThrow(/has not ended yet/);
      await a.observed(again, {
        run: 2,
        results: [
          { name: 'api', status: 'passed' },
          { name: 'e2e', status: 'passed' },
        ],
      });
      const passed = (await store.get(ID))!;
      expect(passed).toMatchObject({
        status: 'ready',
        tests: { run: 2, status: 'passed' },
      });
      expect(passed.statusMessage).toBeUndefined();
      expect(started.map(r => r.run)).toEqual([1, 2]);
      // An old run's late results change nothing.
      await a.observed((await store.get(ID))!, ended);
      expect((await store.get(ID))!.tests).toMatchObject({
        run: 2,
        status: 'passed',
      });
    });

    it('a run the engine cannot start fails with the reason, and nothing else changes', async () => {
      const { store, told, a } = await setup();
      const preview = (await store.get(ID))!;
      await new SmokeTests({
        store,
        engines: new Map([
          ['kubernetes', { id: 'kubernetes' } as PreviewEngine],
        ]),
        logger: mockServices.logger.mock(),
        notifier: {
          notify: () => undefined,
          notifyTestRun: (_p, t) => void told.push(`run ${t.run} ${t.status}`),
          notifyUpdate: () => undefined,
        },
      }).onStatusChange(preview);
      expect((await store.get(ID))!).toMatchObject({
        status: 'degraded',
        tests: {
          status: 'failed',
          results: [
            {
              name: 'api',
              status: 'failed',
              message:
                'could not start: the kubernetes engine cannot run smoke tests',
            },
            expect.anything(),
          ],
        },
      });
      await expect(
        a.rerun({
          ...preview,
          status: 'provisioning',
          tests: { ...preview.tests!, status: 'failed' },
        }),
      ).rejects.toThrow(/is provisioning/);
    });
  },
);
