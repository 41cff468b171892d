/*
 * Checks the real test cluster (start it with `bash test/cluster/start.sh`):
 * Deployments become Available, Jobs Complete, Services get endpoints, the node
 * agent's failure hook works, and namespace deletion finishes quickly.
 *
 * Fails (does not skip) when the cluster is not running.
 */
import { testKubeconfigPath } from '../cluster/testCluster';

type K8s = typeof import('@kubernetes/client-node');

const TIMEOUT = 60_000;

async function loadClients() {
  const k8s: K8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(testKubeconfigPath());
  return {
    k8s,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    apply: k8s.setHeaderOptions(
      'Content-Type',
      k8s.PatchStrategy.ServerSideApply,
    ),
  };
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    }
    await new Promise(r => setTimeout(r, 200));
  }
}

function code(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

describe('real test cluster', () => {
  let c: Awaited<ReturnType<typeof loadClients>>;
  const namespace = `cluster-test-${Date.now().toString(36)}`;

  beforeAll(async () => {
    c = await loadClients();
  }, TIMEOUT);

  afterAll(async () => {
    // best effort, in case a test failed half-way
    await c?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  }, TIMEOUT);

  it(
    'runs a Deployment, a Service and a Job, then deletes the namespace',
    async () => {
      const { core, apps, batch, apply } = c;
      await core.createNamespace({
        body: { metadata: { name: namespace } },
      });
      const labels = { app: 'web' };
      await apps.patchNamespacedDeployment(
        {
          name: 'web',
          namespace,
          fieldManager: 'previews-test',
          force: true,
          body: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web', namespace },
            spec: {
              replicas: 2,
              selector: { matchLabels: labels },
              template: {
                metadata: { labels },
                spec: {
                  initContainers: [{ name: 'init', image: 'busybox' }],
                  containers: [
                    {
                      name: 'web',
                      image: 'nginx:1.27',
                      ports: [{ containerPort: 80, protocol: 'TCP' }],
                    },
                  ],
                },
              },
            },
          },
        },
        apply,
      );
      await core.patchNamespacedService(
        {
          name: 'web',
          namespace,
          fieldManager: 'previews-test',
          force: true,
          body: {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'web', namespace },
            spec: {
              selector: labels,
              ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
            },
          },
        },
        apply,
      );
      await batch.createNamespacedJob({
        namespace,
        body: {
          metadata: { name: 'migrate' },
          spec: {
            backoffLimit: 0,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'migrate', image: 'busybox' }],
              },
            },
          },
        },
      });

      const t0 = Date.now();
      const dep = await until('Deployment Available', async () => {
        const d = await apps.readNamespacedDeployment({
          name: 'web',
          namespace,
        });
        const ok = d.status?.conditions?.some(
          x => x.type === 'Available' && x.status === 'True',
        );
        return ok && d.status?.readyReplicas === 2 ? d : undefined;
      });
      expect(dep.status?.availableReplicas).toBe(2);
      const job = await until('Job Complete', async () => {
        const j = await batch.readNamespacedJob({ name: 'migrate', namespace });
        return j.status?.conditions?.some(
          x => x.type === 'Complete' && x.status === 'True',
        )
          ? j
          : undefined;
      });
      expect(job.status?.succeeded).toBe(1);
      const ep = await until('Service endpoints', async () => {
        const e = await core.readNamespacedEndpoints({
          name: 'web',
          namespace,
        });
        const n = e.subsets?.reduce(
          (s, x) => s + (x.addresses?.length ?? 0),
          0,
        );
        return n === 2 ? e : undefined;
      });
      expect(ep.subsets?.[0].ports?.[0].port).toBe(80);
      const pods = await core.listNamespacedPod({ namespace });
      const web = pods.items.filter(p => p.metadata?.labels?.app === 'web');
      expect(web).toHaveLength(2);
      for (const p of web) {
        expect(p.spec?.nodeName).toBe('preview-node');
        expect(p.status?.phase).toBe('Running');
        expect(p.status?.podIP).toMatch(/^10\.244\./);
        expect(p.status?.containerStatuses?.[0].ready).toBe(true);
      }
      // eslint-disable-next-line no-console
      console.log(`workloads ready in ${Date.now() - t0} ms`);

      const t1 = Date.now();
      await core.deleteNamespace({ name: namespace });
      await until(
        'namespace deletion',
        async () => {
          try {
            await core.readNamespace({ name: namespace });
            return undefined;
          } catch (e) {
            if (code(e) === 404) return true;
            throw e;
          }
        },
        15_000,
      );
      // eslint-disable-next-line no-console
      console.log(`namespace deleted in ${Date.now() - t1} ms`);
    },
    TIMEOUT,
  );

  it(
    'honours the previews-test.io/fail annotation',
    async () => {
      const { core, batch } = c;
      const ns = `${namespace}-fail`;
      await core.createNamespace({ body: { metadata: { name: ns } } });
      try {
        const annotations = { 'previews-test.io/fail': 'true' };
        await batch.createNamespacedJob({
          namespace: ns,
          body: {
            metadata: { name: 'broken' },
            spec: {
              backoffLimit: 0,
              template: {
                metadata: { annotations },
                spec: {
                  restartPolicy: 'Never',
                  containers: [{ name: 'x', image: 'busybox' }],
                },
              },
            },
          },
        });
        // Like a real cluster, pods are refused until the namespace's default
        // service account has its token (controllers retry; so do we).
        await until('pod creation', () =>
          core
            .createNamespacedPod({
              namespace: ns,
              body: {
                metadata: { name: 'crashy', annotations },
                spec: { containers: [{ name: 'x', image: 'busybox' }] },
              },
            })
            .then(() => true),
        );
        await until('Job Failed', async () => {
          const j = await batch.readNamespacedJob({
            name: 'broken',
            namespace: ns,
          });
          return j.status?.conditions?.some(
            x => x.type === 'Failed' && x.status === 'True',
          )
            ? true
            : undefined;
        });
        const failedPods = await core.listNamespacedPod({
          namespace: ns,
          labelSelector: 'job-name=broken',
        });
        const term =
          failedPods.items[0].status?.containerStatuses?.[0].state?.terminated;
        expect(term?.exitCode).toBe(1);
        expect(term?.message).toBeTruthy();
        const crashy = await until('CrashLoopBackOff', async () => {
          const p = await core.readNamespacedPod({
            name: 'crashy',
            namespace: ns,
          });
          const cs = p.status?.containerStatuses?.[0];
          return cs?.state?.waiting?.reason === 'CrashLoopBackOff'
            ? p
            : undefined;
        });
        expect(crashy.status?.phase).toBe('Running');
        expect(crashy.status?.containerStatuses?.[0].ready).toBe(false);
      } finally {
        await core.deleteNamespace({ name: ns }).catch(() => undefined);
      }
    },
    TIMEOUT,
  );
});
