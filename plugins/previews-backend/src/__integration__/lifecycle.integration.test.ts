import request from 'supertest';
import { Knex } from 'knex';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { Entity } from '@backstage/catalog-model';
import {
  Preview,
  PreviewsSummary,
} from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import {
  FakeGitHub,
  FakeUser,
} from '@backstage-previews/test/github/fakeGitHub';
import {
  issueCommentEvent,
  pullRequestEvent,
} from '@backstage-previews/test/github/webhookPayloads';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import {
  previewComponent,
  recordingSchedulerFactory,
  waitFor,
} from '../testUtils';

// Lifecycle and cost (issue 8) through the plugin's HTTP API on the real test
// cluster: expiry at creation, extend, keep, idle expiry driven by pull
// request activity (webhooks through the events service, a loopback fake of
// GitHub), expiry warnings, quotas, cost and sleep/wake. Time passes for a
// preview by moving all of its timestamps back in the database.

jest.setTimeout(180_000);

const run = Date.now().toString(36);
const REPO = `acme/life-${run}`;
const HOUR = 3600_000;
const sha = (c: string) => c.repeat(40).slice(0, 40);

const spec = JSON.stringify({
  workloads: [
    {
      name: 'web',
      image: 'registry.local/demo:1',
      port: 80,
      resources: { requests: { cpu: '200m', memory: '256Mi' } },
    },
  ],
});
const entities: Entity[] = [
  previewComponent('life-web', { 'backstage-previews.io/spec': spec }),
  previewComponent('life-ttl', {
    'backstage-previews.io/spec': spec,
    'backstage-previews.io/ttl-hours': '12',
  }),
  previewComponent('life-quota', { 'backstage-previews.io/spec': spec }),
  previewComponent('life-sleep', { 'backstage-previews.io/spec': spec }),
  previewComponent('life-gh', {
    'backstage-previews.io/spec': spec,
    'github.com/project-slug': REPO,
  }),
];

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

describe('preview lifecycle and cost', () => {
  const github = new FakeGitHub();
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
  });
  const tasks = new Map<
    string,
    SchedulerServiceTaskInvocationDefinition['fn']
  >();
  const notifications: NotificationSendOptions[] = [];
  let reconciler: NodeJS.Timeout | undefined;
  let knex: Knex;
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let delivery = 0;

  // Records scheduled tasks so the test runs them when it wants.
  const schedulerFactory = recordingSchedulerFactory(tasks);

  beforeAll(async () => {
    await github.start();
    knex = await databases.init('SQLITE_3');
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(testKubeconfigPath());
    backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        schedulerFactory,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events.forPlugin('previews'),
        }),
        // Captures the notifications the plugin sends.
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            async send(options: NotificationSendOptions) {
              notifications.push(options);
            },
          }),
        }),
        catalogServiceMock.factory({ entities }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            integrations: {
              github: [
                { host: 'github.test', apiBaseUrl: github.url, token: 't' },
              ],
            },
            previews: {
              baseDomain: 'previews.test',
              urlScheme: 'http',
              orphanSweep: { enabled: false },
              kubernetes: { kubeconfig: testKubeconfigPath() },
              github: {
                host: 'github.test',
                label: 'preview',
                requestTimeoutSeconds: 2,
              },
              lifecycle: {
                ttlHours: 72,
                maxLifetimeHours: 168,
                idleHours: 48,
                warningHours: 24,
                maxKeepDays: 30,
                sleep: { enabled: true, idleMinutes: 60 },
              },
              quotas: { perComponent: 3 },
              cost: {
                currency: 'EUR',
                cpuCoreHour: 0.05,
                memoryGiBHour: 0.01,
                storageGiBHour: 0,
              },
            },
          },
        }),
      ],
    });
    reconciler = setInterval(
      () => void tasks.get('previews-reconcile')?.({} as any),
      1000,
    );
  });

  afterAll(async () => {
    if (reconciler) clearInterval(reconciler);
    if (backend) {
      const live: Preview[] =
        (await request(backend.server).get('/api/previews/previews')).body
          .items ?? [];
      const ours = live.filter(p =>
        /component:default\/life-/.test(p.entityRef),
      );
      for (const p of ours)
        await request(backend.server).delete(`/api/previews/previews/${p.id}`);
      await Promise.all(
        ours.map(p =>
          waitFor(`${p.name} destroyed`, async () => {
            void tasks.get('previews-reconcile')?.({} as any);
            return (
              (
                await request(backend.server).get(
                  `/api/previews/previews/${p.id}`,
                )
              ).body.status === 'destroyed'
            );
          }).catch(() => undefined),
        ),
      );
    }
    await backend?.stop();
    await github.stop();
  });

  const api = () => request(backend.server);
  const getPreview = async (id: string): Promise<Preview> =>
    (await api().get(`/api/previews/previews/${id}`)).body;
  const create = async (component: string, branch: string) => {
    const res = await api()
      .post('/api/previews/previews')
      .send({ entityRef: `component:default/${component}`, branch });
    expect(res.status).toBe(201);
    return res.body as Preview;
  };
  const waitForStatus = (id: string, status: string) =>
    waitFor(`preview ${id} to be ${status}`, async () => {
      const p = await getPreview(id);
      return p.status === status ? p : undefined;
    });
  const reap = () => tasks.get('previews-lifecycle')!({} as any);
  const plus = (iso: string, hours: number) =>
    new Date(Date.parse(iso) + hours * HOUR).toISOString();

  /** Time passes for one preview: every timestamp of it moves `hours` back. */
  async function backdate(id: string, hours: number, columns?: string[]) {
    const row = await knex('previews').where({ id }).first();
    const patch: Record<string, string> = {};
    for (const c of columns ?? [
      'created_at',
      'ttl_expires_at',
      'expires_at',
      'max_expires_at',
      'extended_until',
      'last_activity_at',
      'warned_at',
    ]) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      const ms =
        typeof v === 'number'
          ? v
          : Date.parse(v instanceof Date ? v.toISOString() : String(v));
      patch[c] = new Date(ms - hours * HOUR).toISOString();
    }
    await knex('previews').where({ id }).update(patch);
  }

  const publish = (topic: string, eventPayload: Record<string, unknown>) =>
    events.publish({
      topic,
      eventPayload,
      metadata: { 'x-github-delivery': `life-${run}-${++delivery}` },
    });
  const openAndLabel = async (n: number, labels: string[]) => {
    const pr = github.addPull(REPO, {
      number: n,
      title: `Life ${n}`,
      head: { ref: `life-${run}-pr${n}`, sha: sha(String(n)) },
      base: { ref: 'main' },
      labels,
    });
    await publish(
      'github.pull_request',
      pullRequestEvent('labeled', github.pullJson(REPO, pr), {
        label: 'preview',
      }),
    );
    const items: Preview[] = (
      await api()
        .get('/api/previews/previews')
        .query({ entityRef: 'component:default/life-gh' })
    ).body.items;
    const preview = items.find(p => p.pullRequest?.number === n);
    expect(preview).toBeDefined();
    return preview!;
  };

  it('sets the expiry at creation (TTL, idle timeout, maximum lifetime) with the cost', async () => {
    const p = await create('life-web', `life-${run}-a`);
    // No activity yet: the idle timeout (48 h) comes before the TTL (72 h).
    expect(p.expiresAt).toBe(plus(p.createdAt, 48));
    expect(p.maxExpiresAt).toBe(plus(p.createdAt, 168));
    expect(p.lastActivityAt).toBe(p.createdAt);
    expect(p.keep).toBe(false);
    const got = await getPreview(p.id);
    // 0.2 cores × 0.05 + 0.25 GiB × 0.01 = 0.0125 per hour; 48 h left ≈ 0.60
    expect(got.cost).toMatchObject({ perHour: 0.0125, currency: 'EUR' });
    expect(got.cost!.remaining).toBeCloseTo(0.6, 2);

    const ttl = await create('life-ttl', `life-${run}-a`);
    expect(ttl.expiresAt).toBe(plus(ttl.createdAt, 12));
  });

  it('extends within the maximum lifetime and refuses beyond it or bad hours, changing nothing', async () => {
    const p = await create('life-web', `life-${run}-extend`);
    const extended = await api()
      .post(`/api/previews/previews/${p.id}/extend`)
      .send({ hours: 24 });
    expect(extended.status).toBe(200);
    // TTL 72 h + 24 h, guaranteed against the idle timeout
    expect(extended.body.expiresAt).toBe(plus(p.createdAt, 96));
    const toMax = await api()
      .post(`/api/previews/previews/${p.id}/extend`)
      .send({ hours: 72 });
    expect(toMax.body.expiresAt).toBe(plus(p.createdAt, 168));

    const beyond = await api()
      .post(`/api/previews/previews/${p.id}/extend`)
      .send({ hours: 1 });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.message).toMatch(
      /previews live at most 7 days \(the maximum lifetime\)/,
    );
    for (const hours of [0, -5, 1.5, 1e9, '24', null]) {
      const bad = await api()
        .post(`/api/previews/previews/${p.id}/extend`)
        .send({ hours });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/hours must be a whole number/);
    }
    expect(
      (
        await api()
          .post(`/api/previews/previews/${p.id}/extend`)
          .send({ hours: 2, more: 1 })
      ).status,
    ).toBe(400);
    expect((await getPreview(p.id)).expiresAt).toBe(plus(p.createdAt, 168));
    expect(
      (
        await api()
          .post(
            '/api/previews/previews/00000000-0000-4000-8000-000000000000/extend',
          )
          .send({ hours: 1 })
      ).status,
    ).toBe(404);
  });

  it('keeps a preview up to the admin maximum and unkeeps it', async () => {
    const p = await create('life-web', `life-${run}-keep`);
    const kept = await api()
      .post(`/api/previews/previews/${p.id}/keep`)
      .send({ keep: true });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      keep: true,
      expiresAt: plus(p.createdAt, 30 * 24),
    });
    // Kept: the idle timeout and the TTL do not apply.
    await backdate(p.id, 100);
    await reap();
    expect((await getPreview(p.id)).status).not.toMatch(/destroy/);
    const unkept = await api()
      .post(`/api/previews/previews/${p.id}/keep`)
      .send({ keep: false });
    expect(unkept.body.keep).toBe(false);
    expect(Date.parse(unkept.body.expiresAt)).toBeLessThan(Date.now());
    expect(
      (
        await api()
          .post(`/api/previews/previews/${p.id}/keep`)
          .send({ keep: 'yes' })
      ).status,
    ).toBe(400);
    expect((await getPreview(p.id)).keep).toBe(false);
    await reap();
    expect((await getPreview(p.id)).status).toBe('destroying');
  });

  it('expires previews idle on their pull request, warns the others once, keeps labelled ones', async () => {
    const a = await openAndLabel(1, ['preview']);
    const b = await openAndLabel(2, ['preview']);
    const c = await openAndLabel(3, ['preview', 'preview-keep']);
    await Promise.all([a, b].map(p => waitForStatus(p.id, 'ready')));
    for (const p of [a, b, c]) await backdate(p.id, 47);

    // A comment on PR 1 is activity; our own sticky comment is not.
    const member: FakeUser = { login: 'carol', id: 501, type: 'User' };
    const pull = (n: number) =>
      github.pullJson(REPO, github.repo(REPO).pulls.get(n)!);
    const comment = (issue: number, body: string, user = member) =>
      github.commentJson(REPO, {
        id: 7000 + issue,
        issue,
        body,
        user,
        performed_via_github_app: null,
        author_association: 'MEMBER',
      });
    await publish(
      'github.issue_comment',
      issueCommentEvent('created', pull(1), comment(1, 'looks good')),
    );
    await publish(
      'github.issue_comment',
      issueCommentEvent(
        'edited',
        pull(2),
        comment(
          2,
          '<!-- backstage-previews -->\n## Previews',
          github.authenticatedUser,
        ),
      ),
    );
    const [activeA, idleB] = [await getPreview(a.id), await getPreview(b.id)];
    expect(Date.now() - Date.parse(activeA.lastActivityAt!)).toBeLessThan(
      60_000,
    );
    expect(idleB.lastActivityAt).toBe(plus(b.createdAt, -47));

    // Two more hours pass: B is 49 h idle, A commented 2 h ago.
    for (const p of [a, b, c]) await backdate(p.id, 2);
    const before = notifications.length;
    await reap();
    expect((await getPreview(b.id)).status).toBe('destroying');
    expect((await getPreview(a.id)).status).toBe('ready');
    const keptC = await getPreview(c.id);
    expect(keptC.status).not.toMatch(/destroy/);
    expect(keptC.keep).toBe(true);
    expect(keptC.expiresAt).toBe(plus(keptC.createdAt, 30 * 24));

    // B's label is removed with a comment saying why; A's and C's stay.
    expect(github.repo(REPO).pulls.get(2)!.labels).toEqual([]);
    expect(github.repo(REPO).pulls.get(1)!.labels).toEqual(['preview']);
    expect(
      github
        .comments(REPO, 2)
        .some(cm =>
          /expired and was destroyed, so the label `preview` was removed/.test(
            cm.body,
          ),
        ),
    ).toBe(true);

    // A expires within 24 h: warned once, to its owner group.
    const warningsOf = (p: Preview) =>
      notifications.slice(before).filter(n => n.payload.title.includes(p.name));
    const warnings = warningsOf(a);
    expect(warnings).toHaveLength(1);
    expect(warningsOf(b)).toHaveLength(0);
    expect(warnings[0].recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/guests'],
    });
    expect(warnings[0].payload.title).toMatch(
      new RegExp(`Preview ${a.name} expires in about 23 hours`),
    );
    expect(warnings[0].payload.link).toBe(
      '/catalog/default/component/life-gh/previews',
    );
    await waitFor('the warning in the sticky comment', () =>
      github
        .comments(REPO, 1)
        .some(cm =>
          cm.body.includes(
            'expires soon: extend it in Backstage: http://portal.test/catalog/default/component/life-gh/previews',
          ),
        ),
    );
    await reap();
    expect(warningsOf(a)).toHaveLength(1);

    // An extend resets the warning; within the window it goes out again, once.
    await api()
      .post(`/api/previews/previews/${a.id}/extend`)
      .send({ hours: 1 })
      .expect(200);
    await reap();
    await reap();
    expect(warningsOf(a)).toHaveLength(2);
  });

  it('refuses a create over the quota, naming the limit and the oldest previews; nothing is created', async () => {
    const made = [];
    for (const i of [1, 2, 3])
      made.push(await create('life-quota', `life-${run}-q${i}`));
    const res = await api()
      .post('/api/previews/previews')
      .send({
        entityRef: 'component:default/life-quota',
        branch: `life-${run}-q4`,
      });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      `Quota reached: component:default/life-quota has 3 live previews, the limit is 3 (previews.quotas.perComponent). Destroy one of the oldest first: ${made
        .map(p => p.name)
        .join(', ')}`,
    );
    const items: Preview[] = (
      await api()
        .get('/api/previews/previews')
        .query({ entityRef: 'component:default/life-quota' })
    ).body.items;
    expect(items.map(p => p.branch).sort()).toEqual(
      [1, 2, 3].map(i => `life-${run}-q${i}`),
    );
  });

  it('sums live previews and cost per component and owner', async () => {
    const res = await api().get('/api/previews/summary');
    expect(res.status).toBe(200);
    const summary: PreviewsSummary = res.body;
    const quota = summary.byComponent.find(
      g => g.ref === 'component:default/life-quota',
    )!;
    expect(quota).toMatchObject({
      live: 3,
      costPerHour: 0.0375,
      expiringSoon: 0,
    });
    const items: Preview[] = (await api().get('/api/previews/previews')).body
      .items;
    expect(summary.total.live).toBe(items.length);
    expect(
      summary.byOwner.find(g => g.ref === 'group:default/guests')!.live,
    ).toBe(items.length);
    expect(summary.currency).toBe('EUR');
  });

  it('sleeps (Deployments at zero replicas, status sleeping) and wakes back to ready on the real cluster', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const replicas = async (ns: string) =>
      (await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec
        ?.replicas;
    const p = await create('life-sleep', `life-${run}-zz`);
    await waitForStatus(p.id, 'ready');
    const slept = await api().post(`/api/previews/previews/${p.id}/sleep`);
    expect(slept.status).toBe(200);
    expect(slept.body.status).toBe('sleeping');
    expect(await replicas(p.namespace)).toBe(0);
    // asleep it costs nothing but its storage (none here)
    expect(slept.body.cost.perHour).toBe(0);
    // the cluster's view does not wake it
    await tasks.get('previews-reconcile')!({} as any);
    expect((await getPreview(p.id)).status).toBe('sleeping');
    expect(
      (await api().post(`/api/previews/previews/${p.id}/sleep`)).status,
    ).toBe(409);

    const woken = await api().post(`/api/previews/previews/${p.id}/wake`);
    expect(woken.status).toBe(200);
    // provisioning until the rollout is seen available (the watch may already have seen it)
    expect(['provisioning', 'ready']).toContain(woken.body.status);
    expect(Date.now() - Date.parse(woken.body.lastActivityAt)).toBeLessThan(
      60_000,
    );
    await waitForStatus(p.id, 'ready');
    expect(await replicas(p.namespace)).toBe(1);
    // The wake is a rollout of its own: new pods, scheduled and started, then ready.
    const wokenTimeline = (await getPreview(p.id)).timeline!;
    expect(wokenTimeline).toMatchObject({
      trigger: 'wake',
      phases: {
        queued: expect.any(Number),
        scheduled: expect.any(Number),
        imagePulled: expect.any(Number),
        ready: expect.any(Number),
      },
      readySeconds: expect.any(Number),
    });
    expect(Date.parse(wokenTimeline.startedAt)).toBeGreaterThanOrEqual(
      Date.parse(slept.body.updatedAt),
    );

    // Idle for longer than sleep.idleMinutes: the reaper puts it to sleep.
    await backdate(p.id, 2, ['last_activity_at']);
    await reap();
    expect((await getPreview(p.id)).status).toBe('sleeping');
    expect(await replicas(p.namespace)).toBe(0);
  });
});
