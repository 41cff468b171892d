import request from 'supertest';
import knexFactory, { Knex } from 'knex';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  SchedulerService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import {
  PreviewEngine,
  PreviewObserver,
  previewsEnginesExtensionPoint,
} from '@backstage-previews/plugin-previews-node';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { previewComponent, waitFor } from '../testUtils';

// The reaper runs on one replica at a time (scope global): two backend
// instances share one real Postgres database, both with the real scheduler,
// and every expired preview is destroyed exactly once, live ones never; each
// expiry warning goes out once. The engine records its calls (the cluster is
// not what is tested here).

jest.setTimeout(180_000);

const ADMIN_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const run = Date.now().toString(36);
const DATABASE = `previews_life_reaper_${run}`;
const HOUR = 3600_000;

/** destroy() calls per preview id, over both instances. */
const destroyCalls = new Map<string, number>();
/** observe() calls (made by the reconcile) per engine instance. */
const observeCalls: number[] = [];

/** An engine that records its calls; destroy reports the preview gone (after a pause, so overlapping runs would show). */
class RecordingEngine implements PreviewEngine {
  readonly id = 'recording';
  private readonly instance = observeCalls.push(0) - 1;
  private observer?: PreviewObserver;
  private readonly gone = new Set<string>();
  async deploy(d: { previewId: string; name: string }) {
    // Rolled out at once: reported available, as a watch would.
    setTimeout(
      () =>
        void this.observer?.({
          name: d.name,
          previewId: d.previewId,
          state: 'available',
        }),
      10,
    );
  }
  async destroy(target: { previewId: string; name: string }) {
    destroyCalls.set(
      target.previewId,
      (destroyCalls.get(target.previewId) ?? 0) + 1,
    );
    await new Promise(r => setTimeout(r, 1500));
    this.gone.add(target.name);
    await this.observer?.({
      name: target.name,
      previewId: target.previewId,
      state: 'absent',
    });
  }
  async observe(target: { previewId: string; name: string }) {
    observeCalls[this.instance]++;
    return {
      name: target.name,
      previewId: target.previewId,
      state: this.gone.has(target.name)
        ? ('absent' as const)
        : ('available' as const),
    };
  }
  async track(observer: PreviewObserver) {
    this.observer = observer;
    return { stop: async () => {} };
  }
}

const recordingEngineModule = createBackendModule({
  pluginId: 'previews',
  moduleId: 'recording-engine',
  register(env) {
    env.registerInit({
      deps: { engines: previewsEnginesExtensionPoint },
      async init({ engines }) {
        engines.addEngine(new RecordingEngine());
      },
    });
  },
});

/** Each instance's scheduler of the previews plugin, to run its reconcile when the test needs it. */
const schedulers: SchedulerService[] = [];
const schedulerHandleModule = createBackendModule({
  pluginId: 'previews',
  moduleId: 'scheduler-handle',
  register(env) {
    env.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        schedulers.push(scheduler);
      },
    });
  },
});

const component = previewComponent('life-pg', {
  'backstage-previews.io/image': 'registry.local/demo:1',
  'backstage-previews.io/port': '80',
});

(ADMIN_URL ? describe : describe.skip)(
  'the reaper with two instances on one Postgres database',
  () => {
    const notifications: NotificationSendOptions[] = [];
    let admin: Knex;
    const clients: Knex[] = [];
    const backends: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];

    const startInstance = async () => {
      const knex = knexFactory({
        client: 'pg',
        connection: `${ADMIN_URL}/${DATABASE}`,
        pool: { min: 0, max: 5 },
      });
      clients.push(knex);
      const backend = await startTestBackend({
        features: [
          previewsPlugin,
          ...previewsDefaultModules,
          recordingEngineModule,
          schedulerHandleModule,
          schedulerServiceFactory,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: [component] }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({
              async send(options: NotificationSendOptions) {
                notifications.push(options);
              },
            }),
          }),
          mockServices.rootConfig.factory({
            data: {
              previews: {
                defaultEngine: 'recording',
                // the reconcile would retry destroys: keep it out of the count
                reconcileIntervalSeconds: 3600,
                orphanSweep: { enabled: false },
                lifecycle: {
                  checkIntervalSeconds: 1,
                  ttlHours: 72,
                  idleHours: 48,
                  warningHours: 24,
                },
              },
            },
          }),
        ],
      });
      backends.push(backend);
      return backend;
    };

    beforeAll(async () => {
      admin = knexFactory({
        client: 'pg',
        connection: `${ADMIN_URL}/postgres`,
      });
      await admin.raw(`CREATE DATABASE ${DATABASE}`);
      // One after the other: the second finds the migrations done. Each
      // instance's first reconcile has run, with a preview to observe, before
      // the test starts expiring previews (the reconcile retries destroys and
      // would be counted). Its scheduled first run (1 s after start) may come
      // before the probe preview exists, so the probe runs it now: a trigger
      // cuts the wait short, and the next run is an hour later.
      const probe = async (i: number) => {
        await request(backends[i].server)
          .post('/api/previews/previews')
          .send({
            entityRef: 'component:default/life-pg',
            branch: `life-${run}-probe${i}`,
          })
          .expect(201);
        await waitFor(
          `the reconcile of instance ${i} to be triggered`,
          async () => {
            try {
              await schedulers[i].triggerTask('previews-reconcile');
              return true;
            } catch (e) {
              // running right now (a run that may predate the probe): trigger once it ends
              if ((e as Error).name === 'ConflictError') return false;
              throw e;
            }
          },
        );
        await waitFor(
          `the first reconcile of instance ${i}`,
          () => observeCalls[i] > 0,
          30_000,
        );
      };
      await startInstance();
      await probe(0);
      await startInstance();
      await probe(1);
    });

    afterAll(async () => {
      for (const b of backends) await b.stop();
      for (const c of clients) await c.destroy();
      await admin
        ?.raw(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`)
        .catch(() => undefined);
      await admin?.destroy();
    });

    /** Time passes for one preview: every timestamp of it moves `hours` back. */
    const backdate = async (id: string, hours: number) => {
      const db = clients[0];
      const row = await db('previews').where({ id }).first();
      const patch: Record<string, string> = {};
      for (const c of [
        'created_at',
        'ttl_expires_at',
        'expires_at',
        'max_expires_at',
        'last_activity_at',
      ]) {
        if (row[c])
          patch[c] = new Date(
            new Date(row[c]).getTime() - hours * HOUR,
          ).toISOString();
      }
      await db('previews').where({ id }).update(patch);
    };

    it('destroys exactly the expired previews, once each, and warns once', async () => {
      const [a, b] = backends.map(backend => () => request(backend.server));
      const create = async (
        api: typeof a,
        branch: string,
      ): Promise<Preview> => {
        const res = await api()
          .post('/api/previews/previews')
          .send({ entityRef: 'component:default/life-pg', branch });
        expect(res.status).toBe(201);
        return res.body;
      };
      // Created through either instance: they share the database.
      const expired = [
        await create(a, `life-${run}-e1`),
        await create(b, `life-${run}-e2`),
        await create(a, `life-${run}-e3`),
      ];
      const warned = [
        await create(b, `life-${run}-w1`),
        await create(a, `life-${run}-w2`),
      ];
      const live = [
        await create(a, `life-${run}-l1`),
        await create(b, `life-${run}-l2`),
      ];

      for (const p of expired) await backdate(p.id, 49);
      for (const p of warned) await backdate(p.id, 30);
      await backdate(live[1].id, 10);

      const status = async (p: Preview) =>
        (await a().get(`/api/previews/previews/${p.id}`)).body.status;
      await waitFor('the expired previews to be destroyed', async () =>
        (await Promise.all(expired.map(status))).every(s => s === 'destroyed'),
      );
      await waitFor('the warnings', () =>
        warned.every(p =>
          notifications.some(n => n.payload.title.includes(p.name)),
        ),
      );

      // Later runs on both instances change nothing more: a sentinel that
      // expires now is destroyed by one of them, after which we count.
      const sentinel = await create(b, `life-${run}-s`);
      await backdate(sentinel.id, 49);
      await waitFor(
        'the sentinel to be destroyed',
        async () => (await status(sentinel)) === 'destroyed',
      );

      for (const p of [...expired, sentinel])
        expect(destroyCalls.get(p.id)).toBe(1);
      for (const p of [...warned, ...live])
        expect(destroyCalls.get(p.id)).toBeUndefined();
      for (const p of [...warned, ...live])
        expect(await status(p)).toBe('ready');
      for (const p of warned)
        expect(
          notifications.filter(n => n.payload.title.includes(p.name)),
        ).toHaveLength(1);
      for (const p of [...live, ...expired])
        expect(
          notifications.filter(n => n.payload.title.includes(p.name)),
        ).toHaveLength(0);
    });
  },
);
