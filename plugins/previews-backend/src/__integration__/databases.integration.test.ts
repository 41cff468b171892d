import request from 'supertest';
import net from 'node:net';
import { startTestBackend } from '@backstage/backend-test-utils';
import type { KubeConfig, V1Job } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { privateRegistryDockerConfig } from '@backstage-previews/test/cluster/testImages';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { gitBlobSha } from '../spec/readSeedDump';
import { waitFor } from '../testUtils';
import {
  ORDERS_SQL,
  SHARED_NAMESPACE,
  auditEvents,
  deployedWithoutDatabases,
  repoFiles,
  run,
  startBackend,
} from './__testUtils__/databasesBackend';

// Per-preview databases on the real test cluster's node: PostgreSQL runs,
// the seed Job restores for real, the demo app's image migrates, and a
// failing migration is a container that really exits 1.

// each test waits on several real steps in turn (pull, initdb, seed, migrate, roll); a loaded CI machine is slow
jest.setTimeout(360_000);

describe('per-preview databases on the real test cluster', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  const created: string[] = [];

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({
      body: { metadata: { name: SHARED_NAMESPACE } },
    });
    await core.createNamespacedSecret({
      namespace: SHARED_NAMESPACE,
      body: {
        metadata: { name: 'regcred' },
        type: 'kubernetes.io/dockerconfigjson',
        data: privateRegistryDockerConfig(),
      },
    });
    backend = await startBackend(kubeconfig);
  });
  afterAll(async () => {
    for (const id of created)
      await request(backend.server).delete(`/api/previews/previews/${id}`);
    await backend.stop();
    await kc
      .makeApiClient(k8s.CoreV1Api)
      .deleteNamespace({ name: SHARED_NAMESPACE })
      .catch(() => undefined);
  });

  /** The app's own page, through its Service's ClusterIP. */
  async function appPage(namespace: string) {
    const svc = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedService({ name: 'api', namespace });
    return (await (
      await fetch(`http://${svc.spec!.clusterIP}/json`)
    ).json()) as {
      row?: string;
      rowError?: string;
      writes: number;
      migrations: number;
    };
  }
  const seededRow = (namespace: string) =>
    waitFor(`the app of ${namespace} to show a seeded row`, async () => {
      const p = await appPage(namespace);
      return p.row ? (JSON.parse(p.row) as Record<string, unknown>) : undefined;
    });

  async function create(entity: string, branch: string): Promise<Preview> {
    const res = await request(backend.server)
      .post('/api/previews/previews')
      .send({ entityRef: `component:default/${entity}`, branch });
    expect(res.status).toBe(201);
    created.push(res.body.id);
    return res.body;
  }
  const get = async (id: string): Promise<Preview> =>
    (await request(backend.server).get(`/api/previews/previews/${id}`)).body;
  const jobs = async (namespace: string): Promise<V1Job[]> =>
    (await kc.makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace }))
      .items;
  const password = async (namespace: string) => {
    const secret = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedSecret({ name: 'postgres', namespace });
    return Buffer.from(secret.data!.password, 'base64').toString('utf8');
  };

  it('seeds from the repository dump, migrates, reports ready with version and durations; a reseed runs both again and rolls the app', async () => {
    const preview = await create('seed-orders', `seed/orders-${run}`);
    expect(preview.seed).toEqual({ phase: 'pending', generation: 1 });

    const ready = await waitFor('the seed status to be ready', async () => {
      const p = await get(preview.id);
      return p.seed?.phase === 'ready' ? p : undefined;
    });
    expect(ready.seed).toEqual({
      phase: 'ready',
      generation: 1,
      version: gitBlobSha(ORDERS_SQL).slice(0, 12),
      seedSeconds: expect.any(Number),
      migrateSeconds: expect.any(Number),
    });
    expect(
      repoFiles.requested.some(u =>
        u.endsWith(`/blob/seed/orders-${run}/db/orders.sql`),
      ),
    ).toBe(true);

    // In the cluster: the server, the dump, a random password kept out of the API.
    const ns = preview.name;
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const sts = await apps.readNamespacedStatefulSet({
      name: 'postgres',
      namespace: ns,
    });
    expect(sts.spec?.template.spec?.containers[0].image).toBe('postgres:16');
    const dump = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedConfigMap({ name: 'postgres-seed', namespace: ns });
    expect(
      Buffer.from(dump.binaryData!.dump, 'base64').equals(ORDERS_SQL),
    ).toBe(true);
    const firstPassword = await password(ns);
    expect(firstPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(await get(preview.id))).not.toContain(firstPassword);
    const firstJobs = await jobs(ns);
    expect(firstJobs.map(j => j.metadata!.name).sort()).toEqual([
      expect.stringMatching(/^migrate-g1-[0-9a-f]{8}$/),
      'seed-g1',
    ]);

    // The app answers (through its Service's ClusterIP) with a row of the
    // restored dump, after its own migration ran; then it writes a row.
    await waitFor(
      'the preview to be ready',
      async () => (await get(preview.id)).status === 'ready',
    );
    // Its timeline: every phase of a create with a seeded database, from the cluster's own times.
    const readyPreview = await get(preview.id);
    expect(readyPreview.timeline).toEqual({
      trigger: 'create',
      startedAt: expect.any(String),
      phases: {
        queued: expect.any(Number),
        scheduled: expect.any(Number),
        imagePulled: expect.any(Number),
        seed: readyPreview.seed!.seedSeconds,
        migrate: expect.any(Number),
        ready: expect.any(Number),
      },
      readySeconds: expect.any(Number),
    });
    const total = readyPreview.timeline!.readySeconds!;
    expect(total).toBeCloseTo(
      (Date.parse(readyPreview.readyAt!) -
        Date.parse(readyPreview.timeline!.startedAt)) /
        1000,
      1,
    );
    // The seed and then the migration ran within the time to ready (a second's rounding of pod times aside).
    const { seed, migrate } = readyPreview.timeline!.phases;
    expect(seed! + migrate!).toBeLessThanOrEqual(total + 1);
    expect(migrate!).toBeLessThanOrEqual(readyPreview.seed!.migrateSeconds!);
    const appUrl = `http://${
      (
        await kc
          .makeApiClient(k8s.CoreV1Api)
          .readNamespacedService({ name: 'api', namespace: ns })
      ).spec!.clusterIP
    }`;
    const page = async () =>
      (await (await fetch(`${appUrl}/json`)).json()) as {
        row: string;
        writes: number;
        migrations: number;
      };
    const seeded = await waitFor('the app to show the seeded row', async () => {
      const p = await page();
      return p.row ? p : undefined;
    });
    expect(JSON.parse(seeded.row)).toMatchObject({
      id: 1,
      name: 'Ada Lovelace',
    });
    expect(seeded.migrations).toBe(1);
    expect((await fetch(`${appUrl}/write`, { method: 'POST' })).status).toBe(
      200,
    );
    expect((await page()).writes).toBe(1);

    // A redeploy keeps the password and does not run the seed again.
    const redeployed = await request(backend.server)
      .post(`/api/previews/previews/${preview.id}/redeploy`)
      .send({});
    expect(redeployed.status).toBe(200);
    expect(await password(ns)).toBe(firstPassword);
    expect((await jobs(ns)).map(j => j.metadata!.uid).sort()).toEqual(
      firstJobs.map(j => j.metadata!.uid).sort(),
    );
    // Nothing changed in the cluster: the redeploy looks once and finds it ready.
    await waitFor(
      'the no-op redeploy to be ready',
      async () => (await get(preview.id)).status === 'ready',
    );
    // It made no pod and ran no Job: its timeline has the time to ready only.
    const noOp = await get(preview.id);
    expect(noOp.timeline).toMatchObject({
      trigger: 'redeploy',
      phases: { ready: expect.any(Number) },
    });
    expect(Object.keys(noOp.timeline!.phases)).toEqual(['ready']);

    const deploymentBefore = await apps.readNamespacedDeployment({
      name: 'api',
      namespace: ns,
    });
    const reseeded = await request(backend.server)
      .post(`/api/previews/previews/${preview.id}/reseed`)
      .send();
    expect(reseeded.status).toBe(200);
    expect(reseeded.body).toMatchObject({
      status: 'provisioning',
      seed: { phase: 'pending', generation: 2 },
    });
    expect(auditEvents).toContainEqual({
      eventId: 'preview-reseed',
      outcome: 'success',
    });

    const again = await waitFor('the reseed to be ready', async () => {
      const p = await get(preview.id);
      return p.seed?.phase === 'ready' &&
        p.seed.generation === 2 &&
        p.status === 'ready'
        ? p
        : undefined;
    });
    expect(again.seed?.version).toBe(gitBlobSha(ORDERS_SQL).slice(0, 12));
    // New Jobs of generation 2; those of generation 1 are deleted.
    await waitFor('only generation 2 Jobs', async () => {
      const names = (await jobs(ns))
        .filter(j => !j.metadata?.deletionTimestamp)
        .map(j => j.metadata!.name!)
        .sort();
      return (
        names.length === 2 &&
        names[0].startsWith('migrate-g2-') &&
        names[1] === 'seed-g2'
      );
    });
    // The app rolled: its pods now wait for generation 2's migration.
    const deploymentAfter = await apps.readNamespacedDeployment({
      name: 'api',
      namespace: ns,
    });
    expect(deploymentAfter.metadata!.generation!).toBeGreaterThan(
      deploymentBefore.metadata!.generation!,
    );
    const wait = deploymentAfter.spec!.template.spec!.initContainers!.find(
      c => c.name === 'wait-for-database',
    )!;
    expect(wait.env!.find(e => e.name === 'SEED_GENERATION')?.value).toBe('2');
    expect(await password(ns)).toBe(firstPassword);
    // The reseed dropped and restored the database: the app's own row is gone, the dump's rows are back.
    const reseededPage = await waitFor('the rolled app to answer', async () => {
      const p = await page();
      return p.row ? p : undefined;
    });
    expect(JSON.parse(reseededPage.row)).toMatchObject({
      id: 1,
      name: 'Ada Lovelace',
    });
    expect(reseededPage.writes).toBe(0);
    expect(reseededPage.migrations).toBe(1);

    // The reseed's timeline: its seed and migration, the rolled app's pods.
    const reseedTimeline = (await get(preview.id)).timeline!;
    expect(reseedTimeline).toMatchObject({
      trigger: 'reseed',
      phases: {
        queued: expect.any(Number),
        seed: again.seed!.seedSeconds,
        migrate: expect.any(Number),
        ready: expect.any(Number),
      },
    });
    // The summary's p50 and p95 per component count it (the only preview of that component).
    const summary = (await request(backend.server).get('/api/previews/summary'))
      .body;
    const row = summary.byComponent.find(
      (g: { ref: string }) => g.ref === 'component:default/seed-orders',
    );
    const reseedSeconds = reseedTimeline.phases.seed!;
    expect(row.phases.seed).toEqual({
      p50: reseedSeconds,
      p95: reseedSeconds,
      count: 1,
    });
    expect(row.phases.ready).toEqual({
      p50: reseedTimeline.phases.ready,
      p95: reseedTimeline.phases.ready,
      count: 1,
    });
  });

  it('reports a failing migration as failed at migrating, with the log tail', async () => {
    const preview = await create('seed-broken', `seed/broken-${run}`);
    const failed = await waitFor('the seed status to be failed', async () => {
      const p = await get(preview.id);
      return p.seed?.phase === 'failed' ? p : undefined;
    });
    expect(failed.seed).toMatchObject({
      phase: 'failed',
      failedStep: 'migrating',
      version: 'v7',
      seedSeconds: expect.any(Number),
      logTail: ['Running 0001_init', 'ERROR: relation "orders" does not exist'],
    });
    expect(failed.seed?.message).toContain('Migrating failed in migrate');
    // The app waits for its database in vain: the preview says why at once.
    const degraded = await waitFor('the preview to be degraded', async () => {
      const p = await get(preview.id);
      return p.status === 'degraded' ? p : undefined;
    });
    expect(degraded.statusMessage).toContain('Migrating failed in migrate');
  });

  it.each([
    ['a custom-format dump from the repository (pg_restore)', 'seed-custom'],
    ['a pre-seeded database image', 'seed-image'],
    [
      'a pre-seeded image from a private registry, pulled with the copied pull secret',
      'seed-private',
    ],
  ])('seeds from %s: the app shows its rows', async (_, component) => {
    const preview = await create(component, `seed/${component}-${run}`);
    await waitFor(`${component} to be ready`, async () => {
      const p = await get(preview.id);
      return p.status === 'ready' && p.seed?.phase === 'ready' ? p : undefined;
    });
    expect(await seededRow(preview.name)).toMatchObject({
      id: 1,
      name: 'Ada Lovelace',
    });
  });

  it("runs Redis for real: it answers AUTH and PING at its Service with the preview's password", async () => {
    const preview = await create('with-redis', `redis-${run}`);
    await waitFor(
      'the preview to be ready',
      async () => (await get(preview.id)).status === 'ready',
    );
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const secret = await core.readNamespacedSecret({
      name: 'redis',
      namespace: preview.name,
    });
    const pw = Buffer.from(secret.data!.password, 'base64').toString('utf8');
    const ip = (
      await core.readNamespacedService({
        name: 'redis',
        namespace: preview.name,
      })
    ).spec!.clusterIP!;
    const talk = (commands: string) =>
      new Promise<string>((resolvePromise, reject) => {
        const socket = net.connect(6379, ip);
        let out = '';
        // one reply line per command line
        const replies = commands.split('\r\n').length - 1;
        socket.setTimeout(5000, () =>
          socket.destroy(new Error('redis timed out')),
        );
        socket.on('data', d => {
          out += d.toString();
          if (out.split('\r\n').length - 1 >= replies) socket.end();
        });
        socket.on('end', () => resolvePromise(out));
        socket.on('error', reject);
        socket.write(commands);
      });
    // ready means the app's Deployments; Redis and kube-proxy's rules for it may come a moment later
    await waitFor('Redis to answer at its Service', async () =>
      /^-NOAUTH/.test(await talk('PING\r\n')),
    );
    expect(await talk(`AUTH ${pw}\r\nPING\r\n`)).toBe('+OK\r\n+PONG\r\n');
  });

  it("shows the registry's 401 in the status when a private seed image has no pull secret", async () => {
    const preview = await create(
      'seed-private-no-secret',
      `seed/no-secret-${run}`,
    );
    const degraded = await waitFor('the preview to be degraded', async () => {
      const p = await get(preview.id);
      return p.status === 'degraded' ? p : undefined;
    });
    expect(degraded.statusMessage).toMatch(
      /postgres-0\/postgres (ErrImagePull|ImagePullBackOff)/,
    );
    expect(degraded.statusMessage).toMatch(
      /401 Unauthorized|unauthorized|authorization failed/i,
    );
  });

  it('shows seed none without databases and refuses to reseed it (409, nothing changes)', async () => {
    const preview = await create('seed-plain', `seed/plain-${run}`);
    expect(preview.seed).toEqual({ phase: 'none' });
    await waitFor(
      'the preview to be ready',
      async () => (await get(preview.id)).status === 'ready',
    );
    const res = await request(backend.server)
      .post(`/api/previews/previews/${preview.id}/reseed`)
      .send();
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('has no database');
    const after = await get(preview.id);
    expect(after).toMatchObject({ status: 'ready', seed: { phase: 'none' } });
    expect(await jobs(preview.name)).toEqual([]);
    expect(auditEvents).toContainEqual({
      eventId: 'preview-reseed',
      outcome: 'fail',
    });
  });

  it('refuses a dump too large for a ConfigMap with a 400 that says what to use, and creates nothing', async () => {
    const branch = `seed/huge-${run}`;
    const res = await request(backend.server)
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/seed-huge', branch });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /db\/huge\.sql .* is more than the 900 KiB .*seed\.url/,
    );
    const list = await request(backend.server)
      .get('/api/previews/previews')
      .query({ entityRef: 'component:default/seed-huge' });
    expect(list.body.items).toEqual([]);
  });

  it('refuses databases on an engine that does not run them, and creates nothing', async () => {
    const res = await request(backend.server)
      .post('/api/previews/previews')
      .send({
        entityRef: 'component:default/seed-other-engine',
        branch: `seed/other-${run}`,
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'declares databases, which the no-databases engine does not run',
    );
    expect(deployedWithoutDatabases).toEqual([]);
    const list = await request(backend.server)
      .get('/api/previews/previews')
      .query({ entityRef: 'component:default/seed-other-engine' });
    expect(list.body.items).toEqual([]);
  });
});
