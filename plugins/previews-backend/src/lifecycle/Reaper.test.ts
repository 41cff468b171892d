import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabasePreviewsStore } from '../database/DatabasePreviewsStore';
import { PreviewService } from '../service/PreviewService';
import { TestEngine } from '../testEngine';
import { previewComponent } from '../testUtils';
import { DEFAULT_LIFECYCLE_POLICY, LifecyclePolicy } from './expiry';
import { LifecycleHooks } from './LifecycleHooks';
import { LifecycleService } from './LifecycleService';
import { ExpiryNotifier, PreviewTrafficSource, Reaper } from './Reaper';
import {
  FakePrometheusAnswer,
  startFakePrometheus,
  vectorAnswer,
} from './fakePrometheus';
import { PrometheusTrafficSource } from './PrometheusTrafficSource';

// The reaper and the lifecycle service against the real store (SQLite) and
// the real PreviewService, with a controllable clock: time moves, previews
// get warned once, sleep, expire and are destroyed once. The engine keeps
// its objects in memory (no cluster here).

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const HOUR = 3600_000;
const t0 = Date.parse('2026-11-22T00:00:00.000Z');

async function setup(
  policy: Partial<LifecyclePolicy> = {},
  notify?: ExpiryNotifier,
  traffic?: PreviewTrafficSource,
) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabasePreviewsStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const engine = new TestEngine();
  let now = t0;
  const clock = () => new Date(now);
  const full: LifecyclePolicy = { ...DEFAULT_LIFECYCLE_POLICY, ...policy };
  const logger = mockServices.logger.mock();
  const hooks = new LifecycleHooks({ store, policy: full, quotas: {}, clock });
  const service = new PreviewService({
    store,
    engines: new Map([[engine.id, engine]]),
    defaultEngine: engine.id,
    catalog: catalogServiceMock({
      entities: [
        previewComponent('shop', {
          'backstage-previews.io/image': 'shop:{branch}',
          'backstage-previews.io/port': '80',
        }),
      ],
    }),
    logger,
    lifecycle: hooks,
    installationId: 'test-installation',
  });
  const lifecycle = new LifecycleService({ hooks, store, service });
  const notified: string[] = [];
  const reaper = new Reaper({
    store,
    policy: full,
    service,
    credentials: async () =>
      mockServices.auth.mock().getOwnServiceCredentials(),
    logger,
    clock,
    ...(traffic ? { traffic } : {}),
    notify:
      notify ??
      (async (p, message) => {
        notified.push(
          `${[p.createdBy, p.ownerRef].join(',')}: ${message.title}`,
        );
      }),
  });
  const create = (branch: string) =>
    service.create({
      entityRef: 'component:default/shop',
      branch,
      credentials: mockCredentials.user(),
      createdBy: 'user:default/ann',
    });
  return {
    service,
    lifecycle,
    store,
    reaper,
    engine,
    notified,
    create,
    at: (hours: number) => (now = t0 + hours * HOUR),
    logger,
  };
}

describe('Reaper with a controllable clock', () => {
  it('warns once, lets activity move the expiry, and destroys once at expiry', async () => {
    const { service, lifecycle, reaper, engine, notified, create, at } =
      await setup();
    const p = await create('feature/a');
    expect(p.expiresAt).toBe(new Date(t0 + 48 * HOUR).toISOString());

    at(23);
    expect(await reaper.run()).toMatchObject({ destroyed: [], warned: [] });
    at(24.5);
    expect((await reaper.run()).warned).toEqual([p.id]);
    expect(notified).toEqual([
      `user:default/ann,group:default/guests: Preview ${p.name} expires in about 24 hours`,
    ]);
    expect((await reaper.run()).warned).toEqual([]);

    // Activity at 30 h: expiry moves to min(TTL 72 h, 30 + 48 h) and the warning re-arms.
    at(30);
    await lifecycle.touch(p.id);
    expect((await service.get(p.id)).expiresAt).toBe(
      new Date(t0 + 72 * HOUR).toISOString(),
    );
    at(49);
    expect((await reaper.run()).warned).toEqual([p.id]);
    expect(notified).toHaveLength(2);

    at(71.9);
    expect((await reaper.run()).destroyed).toEqual([]);
    at(72);
    expect((await reaper.run()).destroyed).toEqual([p.id]);
    expect((await reaper.run()).destroyed).toEqual([]);
    expect(engine.destroys).toEqual([p.id]);
    expect((await service.get(p.id)).status).toBe('destroying');
  });

  it('an extend and a keep that land after the round listed its previews win over the stale list', async () => {
    const { service, lifecycle, store, reaper, engine, create, at } =
      await setup();
    const a = await create('feature/race-a');
    const b = await create('feature/race-b');
    const c = await create('feature/race-c');
    at(48.5); // all three expired at 48 h
    const listLive = store.listLiveLifecycles.bind(store);
    jest.spyOn(store, 'listLiveLifecycles').mockImplementationOnce(async () => {
      const listed = await listLive();
      // while the round works through its list: one user extends a, another keeps b
      await lifecycle.extend(a.id, 24);
      await lifecycle.keep(b.id, true);
      return listed;
    });
    const report = await reaper.run();
    expect(report.destroyed).toEqual([c.id]);
    expect(engine.destroys).toEqual([c.id]);
    expect((await service.get(a.id)).status).not.toMatch(/^destroy/);
    expect((await service.get(b.id)).status).not.toMatch(/^destroy/);
    expect(Date.parse((await service.get(a.id)).expiresAt!)).toBeGreaterThan(
      t0 + 48.5 * HOUR,
    );
  });

  it('extends and keeps with the clock, and a failing notifier does not stop the run', async () => {
    const { lifecycle, reaper, engine, create, at, logger } = await setup(
      {},
      async () => {
        throw new Error('notifications backend down');
      },
    );
    const a = await create('feature/b');
    const b = await create('feature/c');
    at(10);
    expect((await lifecycle.extend(a.id, 96)).expiresAt).toBe(
      new Date(t0 + 168 * HOUR).toISOString(),
    );
    await expect(lifecycle.extend(a.id, 1)).rejects.toThrow(/maximum lifetime/);
    expect((await lifecycle.keep(b.id, true)).expiresAt).toBe(
      new Date(t0 + 30 * 24 * HOUR).toISOString(),
    );

    at(24.5);
    await expect(reaper.run()).resolves.toMatchObject({
      warned: [],
      destroyed: [],
    });
    at(145);
    // a is 23 h from its expiry: warned (the notifier fails, logged), nothing destroyed
    const run = await reaper.run();
    expect(run.warned).toEqual([a.id]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/notifications backend down/),
    );
    at(168);
    expect((await reaper.run()).destroyed).toEqual([a.id]);
    expect(engine.destroys).toEqual([a.id]);
    at(30 * 24);
    expect((await reaper.run()).destroyed).toEqual([b.id]);
  });

  it('puts idle previews to sleep and wakes them', async () => {
    const { service, lifecycle, reaper, engine, create, at } = await setup({
      sleep: { enabled: true, idleMinutes: 60 },
    });
    const p = await create('feature/d');
    // observed available: ready
    await service.observe({
      name: p.name,
      previewId: p.id,
      state: 'available',
    });
    at(0.9);
    expect((await reaper.run()).slept).toEqual([]);
    at(1);
    expect((await reaper.run()).slept).toEqual([p.id]);
    expect((await service.get(p.id)).status).toBe('sleeping');
    expect(engine.deploys.at(-1)).toMatchObject({
      previewId: p.id,
      asleep: true,
    });
    // observations keep it sleeping
    await service.observe({
      name: p.name,
      previewId: p.id,
      state: 'available',
    });
    expect((await service.get(p.id)).status).toBe('sleeping');
    at(2);
    const woken = await lifecycle.wake(p.id, mockCredentials.user());
    expect(woken).toMatchObject({
      status: 'provisioning',
      lastActivityAt: new Date(t0 + 2 * HOUR).toISOString(),
    });
    expect(engine.deploys.at(-1)).toMatchObject({
      previewId: p.id,
      asleep: false,
    });
  });

  it('with ingress metrics: sleeps only when neither activity nor traffic shows use, never because metrics failed', async () => {
    const prometheus = await startFakePrometheus();
    try {
      let now = t0;
      const traffic = new PrometheusTrafficSource({
        url: prometheus.url,
        windowMinutes: 60,
        timeoutMs: 300,
        clock: () => new Date(now),
      });
      const { service, reaper, create, at, logger } = await setup(
        { sleep: { enabled: true, idleMinutes: 60 } },
        undefined,
        traffic,
      );
      const p = await create('feature/e');
      await service.observe({
        name: p.name,
        previewId: p.id,
        state: 'available',
      });
      const runAt = async (hours: number, answer: FakePrometheusAnswer) => {
        now = at(hours);
        prometheus.answer = answer;
        return reaper.run();
      };

      // Recent activity: not idle, Prometheus is not even asked.
      expect((await runAt(0.9, vectorAnswer('0'))).slept).toEqual([]);
      expect(prometheus.queries).toEqual([]);

      // Idle by activity, but metrics fail: not put to sleep, the failure is reported and logged.
      const failures: FakePrometheusAnswer[] = [
        {
          status: 500,
          body: '{"status":"error","errorType":"internal","error":"boom"}',
        },
        { status: 200, body: 'not json' },
        {
          status: 200,
          body: '{"status":"error","errorType":"bad_data","error":"parse error"}',
        },
        'hang',
        vectorAnswer(), // no series at all: unknown, not "no traffic"
      ];
      for (const [i, failure] of failures.entries()) {
        const run = await runAt(1 + i * 0.1, failure);
        expect(run.slept).toEqual([]);
        expect(run.errors).toEqual([expect.stringContaining(p.name)]);
        expect((await service.get(p.id)).status).toBe('ready');
      }
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/Prometheus query for traffic/),
      );
      expect(prometheus.queries.at(-1)).toBe(
        `sum(increase(nginx_ingress_controller_requests{exported_namespace="${p.namespace}"}[60m]))`,
      );

      // Served within the window: not idle.
      const served = await runAt(2, vectorAnswer('12'));
      expect(served).toMatchObject({ slept: [], errors: [] });
      expect((await service.get(p.id)).status).toBe('ready');

      // No requests either: asleep.
      expect((await runAt(3, vectorAnswer('0'))).slept).toEqual([p.id]);
      expect((await service.get(p.id)).status).toBe('sleeping');
    } finally {
      await prometheus.close();
    }
  });
});
