import type { KubeConfig } from '@kubernetes/client-node';
import {
  Preview,
  PreviewClusterEvent,
  PreviewPod,
} from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { DEMO_IMAGE } from '@backstage-previews/test/cluster/testImages';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';
import { previewComponent, waitFor } from '../testUtils';

// Pods, logs, events and restarts of a preview on the real node: a
// crash-looping container, a failed migrate Job and a container that
// writes a line a second, each printing the preview's own database
// password, read through the plugin's HTTP API.

jest.setTimeout(300_000);

const run = Date.now().toString(36);
// The password of the preview's own database, printed bare (not in a URL).
const PRINT_PASSWORD =
  'echo "pw=$(echo $DATABASE_URL | sed -e "s|.*://[^:]*:||" -e "s|@.*||")"';
const spec = JSON.stringify({
  workloads: [
    { name: 'web', image: DEMO_IMAGE, port: 8080 },
    {
      name: 'crasher',
      image: DEMO_IMAGE,
      command: [
        'sh',
        '-c',
        `echo starting; ${PRINT_PASSWORD}; echo giving up; exit 3`,
      ],
    },
    {
      name: 'ticker',
      image: DEMO_IMAGE,
      command: [
        'sh',
        '-c',
        'while true; do echo "tick $(date +%s)"; sleep 1; done',
      ],
    },
  ],
  databases: { postgres: {} },
});
// A migrate step that fails (its workloads then wait for it forever: a preview of its own).
const brokenSpec = JSON.stringify({
  workloads: [{ name: 'web', image: DEMO_IMAGE, port: 8080 }],
  databases: {
    postgres: {
      migrate: {
        workload: 'web',
        command: [
          'sh',
          '-c',
          `echo migrating; ${PRINT_PASSWORD}; echo "ERROR: no such table"; exit 1`,
        ],
      },
    },
  },
});

describe('pods, logs, events and restarts of a preview', () => {
  let t: PreviewsTestBackend;
  let preview: Preview;
  let broken: Preview;
  let base: string;
  let password: string;
  let brokenPassword: string;

  const pods = async (of = preview) =>
    (await t.api().get(`/api/previews/previews/${of.id}/pods`)).body
      .items as PreviewPod[];
  const podOf = (items: PreviewPod[], role: string, of: string) =>
    items.find(p => p.role === role && p.of === of);
  /** The pod's app container (init containers come first). */
  const app = (pod: PreviewPod | undefined) =>
    pod?.containers.find(c => !c.init);
  const logs = (pod: string, query: Record<string, string>, of = preview) =>
    fetch(
      `${base}/previews/${of.id}/pods/${pod}/logs?${new URLSearchParams(
        query,
      )}`,
    );

  beforeAll(async () => {
    t = await startPreviewsTestBackend({
      entities: [
        previewComponent('runtime-web', { 'backstage-previews.io/spec': spec }),
        previewComponent('runtime-broken', {
          'backstage-previews.io/spec': brokenSpec,
        }),
      ],
      previews: { kubernetes: { kubeconfig: testKubeconfigPath() } },
    });
    const address = t.backend.server.address();
    base = `http://127.0.0.1:${
      typeof address === 'object' && address ? address.port : 0
    }/api/previews`;
    preview = await t.create('runtime-web', `runtime-${run}`);
    broken = await t.create('runtime-broken', `runtime-${run}`);
    const k8s = await loadK8s();
    const kc: KubeConfig = new k8s.KubeConfig();
    kc.loadFromFile(testKubeconfigPath());
    const passwordOf = async (p: Preview) => {
      const secret = await waitFor(
        'the database Secret',
        async () => {
          const list = await kc
            .makeApiClient(k8s.CoreV1Api)
            .listNamespacedSecret({ namespace: p.namespace });
          return list.items.find(s => s.metadata?.name === 'postgres');
        },
        120_000,
      );
      return Buffer.from(secret.data!.password, 'base64').toString('utf8');
    };
    password = await passwordOf(preview);
    brokenPassword = await passwordOf(broken);
    // The redaction checks below mean something only for a password of some length (hooks throw; they do not expect).
    if (password.length < 6)
      throw new Error(
        `The database password has ${password.length} characters, expected at least 6`,
      );
  });

  afterAll(async () => {
    for (const p of [preview, broken])
      if (p) await t.api().delete(`/api/previews/previews/${p.id}`);
    for (const p of [preview, broken])
      if (p)
        await t
          .waitForStatus(p.id, 'destroyed', 240_000)
          .catch(() => undefined);
    await t?.stop();
  });

  it("lists the pods with their containers' real states: a crash loop is not running", async () => {
    const items = await waitFor(
      'the crasher to have crashed',
      async () => {
        const list = await pods();
        return app(podOf(list, 'workload', 'crasher'))?.hasPrevious
          ? list
          : undefined;
      },
      240_000,
    );
    const crasher = app(podOf(items, 'workload', 'crasher'))!;
    expect(crasher).toMatchObject({
      name: expect.any(String),
      init: false,
      ready: false,
      hasPrevious: true,
    });
    expect(crasher.restarts).toBeGreaterThanOrEqual(1);
    expect(crasher.state === 'running' && crasher.ready).toBe(false);
    expect(podOf(items, 'workload', 'web')).toBeDefined();
  });

  it("shows a crashed container's previous run and a failed migrate Job's log, the password redacted", async () => {
    const crasher = podOf(await pods(), 'workload', 'crasher')!;
    // Right after a crash the kubelet has already removed the run before (it keeps one dead
    // container) and answers "unable to retrieve container logs"; in back-off, the previous run is there.
    const text = await waitFor(
      'the previous run of the crasher',
      async () => {
        const previous = await logs(crasher.name, {
          container: app(crasher)!.name,
          previous: 'true',
        });
        expect(previous.status).toBe(200);
        const body = await previous.text();
        return body.includes('starting') ? body : undefined;
      },
      60_000,
    );
    expect(text).toContain('starting\npw=[redacted]\ngiving up\n');
    expect(text).not.toContain(password);

    const migrate = await waitFor(
      'the migrate Job to have failed',
      async () => {
        const p = podOf(await pods(broken), 'seed', 'migrate');
        return p?.containers.some(
          c => c.state === 'terminated' && c.exitCode === 1,
        )
          ? p
          : undefined;
      },
      180_000,
    );
    const container = migrate.containers.find(
      c => c.state === 'terminated' && c.exitCode === 1,
    )!;
    const migrateLog = await (
      await logs(migrate.name, { container: container.name }, broken)
    ).text();
    expect(migrateLog).toContain('pw=[redacted]\nERROR: no such table');
    expect(migrateLog).not.toContain(brokenPassword);

    const download = await logs(
      migrate.name,
      { container: container.name, download: 'true' },
      broken,
    );
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="${migrate.name}-${container.name}.log"`,
    );
  });

  it('follows a log: each new line arrives within 2 s of being written', async () => {
    const ticker = await waitFor(
      'the ticker running',
      async () => {
        const p = podOf(await pods(), 'workload', 'ticker');
        return app(p)?.state === 'running' ? p : undefined;
      },
      120_000,
    );
    const res = await logs(ticker.name, {
      container: app(ticker)!.name,
      follow: 'true',
      tailLines: '1',
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const delays: number[] = [];
    let buffered = '';
    try {
      while (delays.length < 5) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        // Written within the second it names: arrival minus its start is an upper bound of the delay.
        for (const line of lines) {
          const written = Number(/^tick (\d+)$/.exec(line)?.[1]) * 1000;
          if (written) delays.push(Date.now() - written);
        }
      }
    } finally {
      await reader.cancel();
    }
    expect(delays).toHaveLength(5);
    // The first is the tail line (written up to a second before we asked).
    for (const delay of delays.slice(1)) expect(delay).toBeLessThan(2000);
  });

  it("lists the namespace's events, the crash loop's warning among them", async () => {
    const events = await waitFor(
      'a BackOff warning about the crasher',
      async () => {
        const items = (
          await t
            .api()
            .get(`/api/previews/previews/${preview.id}/cluster-events`)
        ).body.items as PreviewClusterEvent[];
        return items.some(
          e =>
            e.type === 'Warning' &&
            e.reason === 'BackOff' &&
            e.object.startsWith('Pod/crasher'),
        )
          ? items
          : undefined;
      },
      120_000,
    );
    expect(events.map(e => e.at)).toEqual([...events.map(e => e.at)].sort());
    expect(events.some(e => e.reason === 'Scheduled')).toBe(true);
  });

  it('restarts one workload: its pod is replaced, the others stay', async () => {
    const before = await pods();
    const web = podOf(before, 'workload', 'web')!.name;
    const ticker = podOf(before, 'workload', 'ticker')!.name;
    const restarted = await t
      .api()
      .post(`/api/previews/previews/${preview.id}/workloads/ticker/restart`)
      .send({});
    expect(restarted.status).toBe(202);
    await waitFor(
      'a new ticker pod',
      async () => {
        const now = await pods();
        return now.some(
          p =>
            p.of === 'ticker' &&
            p.name !== ticker &&
            app(p)?.state === 'running',
        )
          ? now
          : undefined;
      },
      120_000,
    );
    expect(podOf(await pods(), 'workload', 'web')!.name).toBe(web);
    const events = (
      await t.api().get(`/api/previews/previews/${preview.id}/events`)
    ).body.items.map((e: { message: string }) => e.message);
    expect(events).toContain('restart of workload ticker requested');
  });

  it('refuses what is not the preview: an unknown pod, container or workload', async () => {
    expect((await logs('kube-apiserver', { container: 'x' })).status).toBe(404);
    const web = podOf(await pods(), 'workload', 'web')!;
    expect((await logs(web.name, { container: 'nope' })).status).toBe(404);
    expect((await logs(web.name, { container: 'Bad_Name' })).status).toBe(400);
    expect(
      (
        await t
          .api()
          .post(`/api/previews/previews/${preview.id}/workloads/nope/restart`)
          .send({})
      ).status,
    ).toBe(404);
  });
});
