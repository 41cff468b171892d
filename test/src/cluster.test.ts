/*
 * Checks the real test cluster's node (start it with `bash test/cluster/start.sh`):
 * real containers from the test registry, readiness probes, Service names in
 * the cluster DNS, ClusterIPs through kube-proxy, Ingress hosts through the
 * reverse proxy, volumes that bind, private images that need their pull
 * secret, and failures from real causes (exit 1, a crash loop, a missing image).
 *
 * Fails (does not skip) when the cluster is not running.
 */
import { testKubeconfigPath } from '../cluster/testCluster';
import {
  DEMO_IMAGE,
  ingressPort,
  privateRegistry,
  privateRegistryDockerConfig,
} from '../cluster/testImages';
import { ingressGet } from '../cluster/ingressGet';

type K8s = typeof import('@kubernetes/client-node');

const TIMEOUT = 120_000;

async function loadClients() {
  const k8s: K8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(testKubeconfigPath());
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    networking: kc.makeApiClient(k8s.NetworkingV1Api),
  };
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
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
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    await new Promise(r => setTimeout(r, 250));
  }
}

const run = Date.now().toString(36);

describe('real test cluster with a real node', () => {
  let c: Awaited<ReturnType<typeof loadClients>>;
  const namespaces: string[] = [];

  async function namespace(suffix: string): Promise<string> {
    const name = `cluster-${suffix}-${run}`;
    await c.core.createNamespace({ body: { metadata: { name } } });
    namespaces.push(name);
    // Like a real 1.20 cluster, pods are refused until the default service account has its token.
    await until('the default service account token', async () =>
      (
        await c.core.readNamespacedServiceAccount({
          name: 'default',
          namespace: name,
        })
      ).secrets?.length
        ? true
        : undefined,
    );
    return name;
  }

  const pod = (ns: string, name: string) =>
    c.core.readNamespacedPod({ name, namespace: ns });

  beforeAll(async () => {
    c = await loadClients();
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(
      namespaces.map(name =>
        c.core.deleteNamespace({ name }).catch(() => undefined),
      ),
    );
  }, TIMEOUT);

  it(
    'serves a Deployment through its Service name, its ClusterIP and its Ingress host',
    async () => {
      const ns = await namespace('web');
      const labels = { app: 'web' };
      await c.apps.createNamespacedDeployment({
        namespace: ns,
        body: {
          metadata: { name: 'web' },
          spec: {
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                containers: [
                  {
                    name: 'web',
                    image: DEMO_IMAGE,
                    env: [
                      { name: 'PREVIEW_BRANCH', value: 'main' },
                      // the app asks this URL from inside its pod: DNS + ClusterIP
                      {
                        name: 'SELF_URL',
                        value: `http://web.${ns}.svc.cluster.local`,
                      },
                    ],
                    ports: [
                      { name: 'http', containerPort: 8080, protocol: 'TCP' },
                    ],
                    readinessProbe: {
                      httpGet: { path: '/healthz', port: 'http' },
                      periodSeconds: 1,
                    },
                  },
                ],
              },
            },
          },
        },
      });
      await c.core.createNamespacedService({
        namespace: ns,
        body: {
          metadata: { name: 'web' },
          spec: {
            selector: labels,
            ports: [
              { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
            ],
          },
        },
      });
      const host = `${ns}.previews.localhost`;
      await c.networking.createNamespacedIngress({
        namespace: ns,
        body: {
          metadata: { name: 'web' },
          spec: {
            rules: [
              {
                host,
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: {
                        service: { name: 'web', port: { number: 80 } },
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
      });
      await until('the Deployment Available', async () => {
        const d = await c.apps.readNamespacedDeployment({
          name: 'web',
          namespace: ns,
        });
        return d.status?.availableReplicas === 1 ? d : undefined;
      });
      // kube-proxy programs the ClusterIP a moment after the endpoints exist (the proxy routes to endpoints)
      // (up to 2 minutes: with several clusters' nodes on 2 cores, DNS records and proxy rules lag)
      let lastSeen = '';
      const page = await until(
        'the Ingress host answering with the app, which reached itself by its Service name',
        async () => {
          const res = await ingressGet(ingressPort(), host, '/json');
          lastSeen = `${res.status} ${res.body.slice(0, 300)}`;
          const body = res.status === 200 ? JSON.parse(res.body) : undefined;
          return body?.dependencies?.SELF_URL?.status === 200
            ? body
            : undefined;
        },
        120_000,
      ).catch(e => {
        throw new Error(`${(e as Error).message}; last answer: ${lastSeen}`);
      });
      expect(page.branch).toBe('main');
      expect(page.dependencies.SELF_URL).toMatchObject({ status: 200 });
      expect(JSON.parse(page.dependencies.SELF_URL.body)).toMatchObject({
        branch: 'main',
      });
      // an unknown host is not routed anywhere
      const unknown = await ingressGet(
        ingressPort(),
        `nope-${run}.previews.localhost`,
      );
      expect(unknown).toMatchObject({
        status: 404,
        body: 'no preview at this host\n',
      });
    },
    2 * TIMEOUT,
  );

  it(
    'fails for real: a Job that exits 1, a crash loop, a missing image, a failing readiness probe',
    async () => {
      const ns = await namespace('fail');
      await c.batch.createNamespacedJob({
        namespace: ns,
        body: {
          metadata: { name: 'broken' },
          spec: {
            backoffLimit: 0,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'x',
                    image: DEMO_IMAGE,
                    command: ['sh', '-c', 'echo step one failed >&2; exit 1'],
                    terminationMessagePolicy: 'FallbackToLogsOnError',
                  },
                ],
              },
            },
          },
        },
      });
      const basic = (name: string, container: Record<string, unknown>) =>
        c.core.createNamespacedPod({
          namespace: ns,
          body: {
            metadata: { name },
            spec: { containers: [{ name: 'x', ...container }] },
          },
        });
      await basic('crashy', { image: DEMO_IMAGE, command: ['demo', 'crash'] });
      await basic('missing', { image: `registry.local/missing-${run}:1` });
      await basic('never-ready', {
        image: DEMO_IMAGE,
        env: [{ name: 'DEMO_NEVER_READY', value: '1' }],
        readinessProbe: {
          httpGet: { path: '/healthz', port: 8080 },
          periodSeconds: 1,
        },
      });

      await until('Job Failed', async () => {
        const j = await c.batch.readNamespacedJob({
          name: 'broken',
          namespace: ns,
        });
        return j.status?.conditions?.some(
          x => x.type === 'Failed' && x.status === 'True',
        )
          ? true
          : undefined;
      });
      const failed = await c.core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'job-name=broken',
      });
      const term =
        failed.items[0].status?.containerStatuses?.[0].state?.terminated;
      expect(term?.exitCode).toBe(1);
      expect(term?.message).toContain('step one failed');

      const crashy = await until('CrashLoopBackOff', async () => {
        const p = await pod(ns, 'crashy');
        return p.status?.containerStatuses?.[0].state?.waiting?.reason ===
          'CrashLoopBackOff'
          ? p
          : undefined;
      });
      expect(
        crashy.status?.containerStatuses?.[0].lastState?.terminated?.exitCode,
      ).toBe(1);

      const missing = await until('a failed pull', async () => {
        const w = (await pod(ns, 'missing')).status?.containerStatuses?.[0]
          .state?.waiting;
        return w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff'
          ? w
          : undefined;
      });
      expect(missing.reason).toMatch(/ErrImagePull|ImagePullBackOff/);

      const never = await until('running but not ready', async () => {
        const p = await pod(ns, 'never-ready');
        return p.status?.containerStatuses?.[0].state?.running ? p : undefined;
      });
      await new Promise(r => setTimeout(r, 3000));
      expect(
        (await pod(ns, never.metadata!.name!)).status?.containerStatuses?.[0]
          .ready,
      ).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'pulls a private image only with its pull secret (the registry answers 401 otherwise)',
    async () => {
      const ns = await namespace('private');
      const image = `${privateRegistry().host}/private/demo:1`;
      await c.core.createNamespacedSecret({
        namespace: ns,
        body: {
          metadata: { name: 'regcred' },
          type: 'kubernetes.io/dockerconfigjson',
          data: privateRegistryDockerConfig(),
        },
      });
      // A node runs a cached image without asking the registry: the pod without
      // the secret asks for a private image that no pod pulled.
      const neverPulled = `${
        privateRegistry().host
      }/private/never-pulled-postgres:1`;
      const create = (name: string, pullSecrets: boolean) =>
        c.core.createNamespacedPod({
          namespace: ns,
          body: {
            metadata: { name },
            spec: {
              containers: [
                { name: 'x', image: pullSecrets ? image : neverPulled },
              ],
              ...(pullSecrets
                ? { imagePullSecrets: [{ name: 'regcred' }] }
                : {}),
            },
          },
        });
      await create('with-secret', true);
      await create('without-secret', false);
      await until('the pod with the secret running', async () =>
        (
          await pod(ns, 'with-secret')
        ).status?.containerStatuses?.[0].state?.running
          ? true
          : undefined,
      );
      const events = await until('the refused pull', async () => {
        const list = await c.core.listNamespacedEvent({
          namespace: ns,
          fieldSelector: 'involvedObject.name=without-secret',
        });
        return list.items.some(e =>
          /401 Unauthorized|unauthorized/i.test(e.message ?? ''),
        )
          ? list.items
          : undefined;
      });
      expect(events.map(e => e.message).join('\n')).toMatch(
        /401|unauthorized/i,
      );
    },
    TIMEOUT,
  );

  it(
    'binds a volume claim to a local volume the pod can write, and deletes the namespace',
    async () => {
      const ns = await namespace('volume');
      await c.core.createNamespacedPersistentVolumeClaim({
        namespace: ns,
        body: {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '64Mi' } },
          },
        },
      });
      await c.core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: 'writer' },
          spec: {
            restartPolicy: 'Never',
            securityContext: { runAsUser: 999 },
            containers: [
              {
                name: 'x',
                image: DEMO_IMAGE,
                command: [
                  'sh',
                  '-c',
                  'echo kept > /data/file && cat /data/file',
                ],
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
            volumes: [
              { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
            ],
          },
        },
      });
      await until('the writer Succeeded', async () =>
        (await pod(ns, 'writer')).status?.phase === 'Succeeded'
          ? true
          : undefined,
      );
      expect(
        (
          await c.core.readNamespacedPersistentVolumeClaim({
            name: 'data',
            namespace: ns,
          })
        ).status?.phase,
      ).toBe('Bound');

      await c.core.deleteNamespace({ name: ns });
      await until(
        'namespace deletion',
        () =>
          c.core.readNamespace({ name: ns }).then(
            () => undefined,
            e => ((e as { code?: number }).code === 404 ? true : undefined),
          ),
        90_000,
      );
    },
    TIMEOUT,
  );
});
