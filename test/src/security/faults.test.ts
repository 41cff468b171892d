import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { KubeConfig } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsDefaultModules } from '../../../plugins/previews-backend/src/features';
import { previewsPlugin } from '../../../plugins/previews-backend/src/plugin';
import { loadK8s } from '../../../plugins/previews-backend/src/engines/shared/loadKubeConfig';
import { waitFor } from '../../../plugins/previews-backend/src/testUtils';
import { FaultCluster } from '../../cluster/faultCluster';
import { startFaultyProxy } from '../../cluster/faultyProxy';
import { CapturingLogger } from './capturingLogger';
import { secComponent } from './securityBackend';
import { DEMO_IMAGE } from '../../cluster/testImages';

// Fault injection on a cluster of its own (test/.cluster-fault, started here
// and stopped at the end): an apiserver that answers 500/409/429 for a
// while, an apiserver killed in the middle of a create and started again,
// and backends killed in the middle of a create and of a destroy, restarted
// on the same PostgreSQL database. Every preview must end truthful (ready,
// or failed with the reason), nothing may be orphaned, nothing that should
// live may be deleted.

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const base = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const database = `fault_${run}`;
const entities = [
  secComponent('fault-shop', { 'backstage-previews.io/image': DEMO_IMAGE }),
];
const SHOP = 'component:default/fault-shop';
const cluster = new FaultCluster();

const isPatch = (kind: string) => (method: string, path: string) =>
  method === 'PATCH' && path.includes(`/${kind}/`);

function connect(db?: string): Knex {
  if (!base)
    throw new Error('Set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING');
  const url = new URL(base);
  if (db) url.pathname = `/${db}`;
  return knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 5 },
  });
}

/** One backend "process": its own proxy to the apiserver and its own database connections. */
async function startReplica() {
  const proxy = await startFaultyProxy(cluster.kubeconfig);
  const knex = connect(database);
  const logs = new CapturingLogger();
  const backend = await startTestBackend({
    features: [
      previewsPlugin,
      ...previewsDefaultModules,
      logs.factory(),
      // Runs the reconcile at startup too (a restarted backend's first round).
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
      catalogServiceMock.factory({ entities }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          previews: {
            reconcileIntervalSeconds: 2,
            orphanSweep: { enabled: false },
            kubernetes: {
              cluster: { name: 'fault', url: proxy.url, skipTLSVerify: true },
            },
          },
        },
      }),
    ],
  });
  const api = () => request(backend.server);
  return {
    proxy,
    logs,
    api,
    async get(id: string): Promise<Preview> {
      return (await api().get(`/api/previews/previews/${id}`)).body;
    },
    /** A crash, as the cluster and the database see it: connections cut, nothing more written. */
    async kill() {
      await proxy.close();
      await knex.destroy();
      await Promise.race([
        backend.stop().catch(() => undefined),
        new Promise(r => setTimeout(r, 5000)),
      ]);
    },
    async stop() {
      await backend.stop();
      await proxy.close();
      await knex.destroy();
    },
  };
}
type Replica = Awaited<ReturnType<typeof startReplica>>;

describe('fault injection', () => {
  let admin: Knex;
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let replica: Replica | undefined;

  beforeAll(async () => {
    cluster.start();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    admin = connect();
    await admin.raw(`CREATE DATABASE ${database}`);
  });

  afterAll(async () => {
    await replica?.stop().catch(() => undefined);
    await admin
      ?.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      .catch(() => undefined);
    await admin?.destroy();
    cluster.stop();
  });

  const waitForStatus = (r: Replica, id: string, statuses: string[]) =>
    waitFor(`preview ${id} to be ${statuses.join(' or ')}`, async () => {
      const p = await r.get(id);
      return statuses.includes(p.status) ? p : undefined;
    });

  async function deploymentReady(namespace: string) {
    const d = await kc
      .makeApiClient(k8s.AppsV1Api)
      .readNamespacedDeployment({ name: 'app', namespace });
    return (d.status?.availableReplicas ?? 0) >= 1;
  }

  /** Nothing of these previews is an orphan: the dry-run sweep finds none of their namespaces. */
  async function expectNoOrphans(r: Replica, names: string[]) {
    const res = await r
      .api()
      .get('/api/previews/orphans')
      .query({ minAgeMinutes: 0 });
    expect(res.status).toBe(200);
    const orphaned = (res.body.orphans as Array<{ name: string }>)
      .map(o => o.name)
      .filter(n => names.includes(n));
    expect(orphaned).toEqual([]);
  }

  async function destroyAndWait(r: Replica, preview: Preview) {
    expect(
      (await r.api().delete(`/api/previews/previews/${preview.id}`)).status,
    ).toBe(202);
    await waitForStatus(r, preview.id, ['destroyed']);
    await expect(
      kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: preview.name }),
    ).rejects.toMatchObject({ code: 404 });
  }

  it('an apiserver answering 500, 429 and 409 for a while: applies are retried with backoff and the preview becomes ready', async () => {
    replica = await startReplica();
    replica.proxy.fail(isPatch('deployments'), 500, 2);
    replica.proxy.fail(isPatch('services'), 429, 2);
    replica.proxy.fail(isPatch('configmaps'), 409, 1);
    replica.proxy.fail(isPatch('namespaces'), 503, 1);
    const created = await replica
      .api()
      .post('/api/previews/previews')
      .send({ entityRef: SHOP, branch: `fault-flaky-${run}` });
    expect(created.status).toBe(201);
    const ready = await waitForStatus(replica, created.body.id, [
      'ready',
      'failed',
    ]);
    expect(ready.status).toBe('ready');
    expect(await deploymentReady(ready.name)).toBe(true);
    expect(
      replica.proxy
        .served()
        .map(s => s.status)
        .sort(),
    ).toEqual([409, 429, 429, 500, 500, 503]);
    expect(replica.logs.text()).toMatch(
      /Applying Deployment app in fault-shop-fault-flaky-\S+ failed \(Error: HTTP-Code: 500\), retry 1 in 250 ms/,
    );
    expect(replica.logs.text()).toMatch(/retry 2 in 500 ms/);
    await expectNoOrphans(replica, [ready.name]);
    await destroyAndWait(replica, ready);
  });

  it('the apiserver killed in the middle of a create and started again: the preview ends ready, or failed with the reason and redeployable', async () => {
    replica ??= await startReplica();
    replica.proxy.hold(isPatch('deployments'));
    // (supertest sends on then())
    const creating = replica
      .api()
      .post('/api/previews/previews')
      .send({ entityRef: SHOP, branch: `fault-apiserver-${run}` })
      .then(r => r);
    await waitFor(
      'the create to reach the workloads',
      () => replica!.proxy.held().length > 0,
    );
    const restart = cluster.killApiserver();
    replica.proxy.release(); // the held applies now meet a dead apiserver (502s, refused connections)
    await new Promise(r => setTimeout(r, 1500));
    restart();
    const created = await creating;
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const settled = await waitForStatus(replica, id, ['ready', 'failed']).catch(
      async e => {
        const p = await replica!.get(id);
        throw new Error(
          `${e.message}; it is ${p.status} (${
            p.statusMessage
          }); log:\n${replica!.logs
            .text()
            .split('\n')
            .filter(l => !l.includes('isAuditEvent'))
            .slice(-25)
            .join('\n')}`,
        );
      },
    );
    if (settled.status === 'failed') {
      // Truthful: it says why, and a redeploy once the apiserver is back completes it.
      expect(settled.statusMessage).toMatch(
        /Deploying failed: .*(502|ECONNREFUSED|ECONNRESET|upstream)/,
      );
      await waitFor('the apiserver to be back', async () => {
        await kc
          .makeApiClient(k8s.CoreV1Api)
          .readNamespace({ name: 'default' });
        return true;
      });
      expect(
        (await replica.api().post(`/api/previews/previews/${id}/redeploy`))
          .status,
      ).toBe(200);
      await waitForStatus(replica, id, ['ready']);
    }
    const ready = await replica.get(id);
    expect(ready.status).toBe('ready');
    expect(await deploymentReady(ready.name)).toBe(true);
    await expectNoOrphans(replica, [ready.name]);
    await destroyAndWait(replica, ready);
  });

  it('the backend killed in the middle of a create: a restart on the same database resumes it and it becomes ready', async () => {
    replica ??= await startReplica();
    const first = replica;
    first.proxy.hold(isPatch('deployments'));
    const creating = first
      .api()
      .post('/api/previews/previews')
      .send({ entityRef: SHOP, branch: `fault-crash-create-${run}` });
    creating.catch(() => undefined);
    await waitFor(
      'the create to reach the workloads',
      () => first.proxy.held().length > 0,
    );
    await first.kill();
    replica = undefined;

    // What the crash left: a provisioning record and a namespace without its Deployment.
    const check = connect(database);
    const [row] = await check('previews').where({
      entity_ref: SHOP,
      branch: `fault-crash-create-${run}`,
    });
    await check.destroy();
    expect(row.status).toBe('provisioning');
    await expect(
      kc
        .makeApiClient(k8s.AppsV1Api)
        .readNamespacedDeployment({ name: 'app', namespace: row.name }),
    ).rejects.toMatchObject({ code: 404 });

    replica = await startReplica();
    const ready = await waitForStatus(replica, row.id, ['ready', 'failed']);
    expect(ready.status).toBe('ready');
    expect(await deploymentReady(row.name)).toBe(true);
    expect(replica.logs.text()).toContain(
      `Resumed provisioning preview ${row.name} after a restart`,
    );
    await expectNoOrphans(replica, [row.name]);
    await destroyAndWait(replica, ready);
  });

  it('the backend killed in the middle of a destroy: a restart finishes it, and a preview that should live is untouched', async () => {
    replica ??= await startReplica();
    const keep = (
      await replica
        .api()
        .post('/api/previews/previews')
        .send({ entityRef: SHOP, branch: `fault-keep-${run}` })
    ).body as Preview;
    const doomed = (
      await replica
        .api()
        .post('/api/previews/previews')
        .send({ entityRef: SHOP, branch: `fault-crash-destroy-${run}` })
    ).body as Preview;
    await waitForStatus(replica, keep.id, ['ready']);
    await waitForStatus(replica, doomed.id, ['ready']);

    const first = replica;
    first.proxy.hold(
      (method, path) =>
        method === 'DELETE' && path.endsWith(`/namespaces/${doomed.name}`),
    );
    const destroying = first
      .api()
      .delete(`/api/previews/previews/${doomed.id}`);
    destroying.catch(() => undefined);
    await waitFor(
      'the destroy to reach the apiserver',
      () => first.proxy.held().length > 0,
    );
    await first.kill();
    replica = undefined;
    // The namespace is still there: the delete never reached the apiserver.
    const ns = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespace({ name: doomed.name });
    expect(ns.metadata?.deletionTimestamp).toBeUndefined();

    replica = await startReplica();
    expect((await replica.get(doomed.id)).status).toBe('destroying');
    await waitForStatus(replica, doomed.id, ['destroyed']);
    await expect(
      kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: doomed.name }),
    ).rejects.toMatchObject({ code: 404 });
    // The other preview lives on: its namespace untouched, and ready (its readiness probe may
    // miss a beat on a machine this loaded, so it is waited for, not sampled once).
    const kept = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespace({ name: keep.name });
    expect(kept.metadata?.deletionTimestamp).toBeUndefined();
    await waitForStatus(replica, keep.id, ['ready']);
    expect(await deploymentReady(keep.name)).toBe(true);
    await expectNoOrphans(replica, [keep.name, doomed.name]);
    await destroyAndWait(replica, keep);
  });
});
