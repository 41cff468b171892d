/*
 * Node agent for the real test cluster: it plays the kubelet (and the
 * scheduler) for a cluster that has neither.
 *
 *   node --import tsx test/cluster/nodeAgent.ts --kubeconfig FILE [--node NAME]
 *
 * - registers a Node (Ready, generous capacity) and keeps its status fresh;
 * - watches all pods: binds unscheduled pods to the node, reports bound pods as
 *   Running and Ready (no container is actually run; pod IPs are fake), moves
 *   run-to-completion pods (Job pods, restartPolicy Never/OnFailure) to
 *   Succeeded after a short delay, and deletes pods that have a
 *   deletionTimestamp with grace period 0 (and all pods of a terminating
 *   namespace at once, so that namespace deletion is not held up);
 * - test hook: annotation `previews-test.io/fail: "true"` makes a
 *   run-to-completion pod end Failed (exit code 1) and a long-running pod's
 *   containers not ready (waiting, CrashLoopBackOff); so does an image whose
 *   name contains `crashloop`; an image from a registry host under `.invalid`
 *   stays Pending with ImagePullBackOff;
 * - test hook for Job logs: a container (init or main) whose command or args
 *   contain `previews-test.io/fail` fails its run-to-completion pod; that
 *   container ends with exit code 1, and when its terminationMessagePolicy is
 *   FallbackToLogsOnError its termination message holds its "log": the other
 *   lines of that command/arg (as the kubelet puts the log tail there).
 *   Containers after a failed init container never start.
 *
 * Watch driven (list + watch on all pods and on namespaces, re-listed when a
 * watch fails), with a de-duplicating work queue and a bounded number of API calls in
 * flight, so it copes with about a thousand pods.
 */
import * as k8s from '@kubernetes/client-node';

const FAIL_ANNOTATION = 'previews-test.io/fail';
const COMPLETE_AFTER_MS = 300;
const WORKERS = 8;
const NODE_REFRESH_MS = 60_000;

type Pod = k8s.V1Pod;

function parseArgs(argv: string[]): { kubeconfig: string; node: string } {
  let kubeconfig = process.env.KUBECONFIG ?? '';
  let node = 'preview-node';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kubeconfig') kubeconfig = argv[++i] ?? '';
    else if (a.startsWith('--kubeconfig=')) kubeconfig = a.slice(13);
    else if (a === '--node') node = argv[++i] ?? node;
    else if (a.startsWith('--node=')) node = a.slice(7);
  }
  if (!kubeconfig) {
    console.error('usage: nodeAgent.ts --kubeconfig FILE [--node NAME]');
    process.exit(2);
  }
  return { kubeconfig, node };
}

const { kubeconfig, node: NODE } = parseArgs(process.argv.slice(2));

function log(msg: string) {
  const t = new Date().toISOString().slice(11, 23);
  process.stdout.write(`${t} ${msg}\n`);
}

function errText(e: unknown): string {
  const anyE = e as { code?: number; body?: unknown; message?: string };
  if (anyE && typeof anyE.code === 'number') {
    let reason = '';
    try {
      const b =
        typeof anyE.body === 'string' ? JSON.parse(anyE.body) : anyE.body;
      reason = (b as { message?: string })?.message ?? '';
    } catch {
      reason = String(anyE.body ?? '').slice(0, 200);
    }
    return `HTTP ${anyE.code} ${reason}`.trim();
  }
  return anyE?.message ?? String(e);
}

function statusCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'number' ? c : undefined;
}

const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const mergePatch = k8s.setHeaderOptions(
  'Content-Type',
  k8s.PatchStrategy.MergePatch,
);

let stopping = false;
const timers = new Set<NodeJS.Timeout>();
function later(ms: number, fn: () => void) {
  const t = setTimeout(() => {
    timers.delete(t);
    if (!stopping) fn();
  }, ms);
  timers.add(t);
}

// ---------------------------------------------------------------- node ----

function nodeStatus() {
  const now = new Date().toISOString();
  const cond = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: reason,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  const resources = {
    cpu: '256',
    memory: '1Ti',
    pods: '5000',
    'ephemeral-storage': '1Ti',
  };
  return {
    capacity: resources,
    allocatable: resources,
    phase: 'Running',
    conditions: [
      cond('Ready', 'True', 'KubeletReady'),
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID'),
    ],
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: NODE },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: 'previews-test',
      systemUUID: 'previews-test',
      bootID: 'previews-test',
      kernelVersion: 'fake',
      osImage: 'previews node agent',
      containerRuntimeVersion: 'fake://0',
      kubeletVersion: 'v1.20.2',
      kubeProxyVersion: 'v1.20.2',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

async function ensureNode(): Promise<void> {
  try {
    await core.readNode({ name: NODE });
  } catch (e) {
    if (statusCode(e) !== 404) throw e;
    await core.createNode({
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: NODE,
          labels: {
            'kubernetes.io/hostname': NODE,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
          },
        },
        spec: {},
      },
    });
    log(`node ${NODE} registered`);
  }
  await core.patchNodeStatus(
    { name: NODE, body: { status: nodeStatus() } },
    mergePatch,
  );
}

async function nodeLoop(): Promise<void> {
  try {
    await ensureNode();
  } catch (e) {
    log(`node ${NODE}: ${errText(e)}`);
    later(2000, () => void nodeLoop());
    return;
  }
  later(NODE_REFRESH_MS, () => void nodeLoop());
}

// ---------------------------------------------------------------- pods ----

const pods = new Map<string, Pod>(); // key ns/name -> latest seen object
const queue: string[] = [];
const queued = new Set<string>();
const inFlight = new Set<string>();
const dirty = new Set<string>(); // changed while in flight
const startedAt = new Map<string, number>(); // uid -> ms when reported Running
const ipByUid = new Map<string, string>();
const reported = new Map<string, Mode>(); // uid -> last status we wrote
let ipCounter = 0;
let activeWorkers = 0;

function keyOf(p: Pod): string {
  return `${p.metadata?.namespace}/${p.metadata?.name}`;
}

function enqueue(key: string) {
  if (stopping) return;
  if (inFlight.has(key)) {
    dirty.add(key);
    return;
  }
  if (!queued.has(key)) {
    queued.add(key);
    queue.push(key);
  }
  pump();
}

function pump() {
  while (activeWorkers < WORKERS && queue.length > 0 && !stopping) {
    const key = queue.shift()!;
    queued.delete(key);
    const pod = pods.get(key);
    if (!pod) continue;
    activeWorkers++;
    inFlight.add(key);
    reconcile(pod)
      .catch(e => {
        const code = statusCode(e);
        if (code === 404) return; // pod is gone
        log(`pod ${key}: ${errText(e)}; retrying`);
        later(1000, () => enqueue(key));
      })
      .finally(() => {
        activeWorkers--;
        inFlight.delete(key);
        if (dirty.delete(key)) enqueue(key);
        pump();
      });
  }
}

function podIP(uid: string): string {
  let ip = ipByUid.get(uid);
  if (!ip) {
    ipCounter++;
    ip = `10.244.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 2}`;
    ipByUid.set(uid, ip);
  }
  return ip;
}

function runsToCompletion(pod: Pod): boolean {
  if (pod.metadata?.ownerReferences?.some(o => o.kind === 'Job')) return true;
  const rp = pod.spec?.restartPolicy;
  return rp === 'Never' || rp === 'OnFailure';
}

/** The container (init containers first) whose command or args carry the failure marker. */
function failingContainer(pod: Pod): { name: string; init: boolean; log: string[] } | undefined {
  const spec = pod.spec;
  const all = [
    ...(spec?.initContainers ?? []).map(c => ({ c, init: true })),
    ...(spec?.containers ?? []).map(c => ({ c, init: false })),
  ];
  for (const { c, init } of all) {
    const marked = [...(c.command ?? []), ...(c.args ?? [])].find(a => a.includes(FAIL_ANNOTATION));
    if (marked === undefined) continue;
    const log = marked
      .replace(FAIL_ANNOTATION, '')
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean);
    return { name: c.name, init, log: c.terminationMessagePolicy === 'FallbackToLogsOnError' ? log : [] };
  }
  return undefined;
}

function wantsFailure(pod: Pod): boolean {
  return pod.metadata?.annotations?.[FAIL_ANNOTATION] === 'true' || failingContainer(pod) !== undefined;
}

/** Images from a registry host under `.invalid` can never be pulled (test hook). */
function unpullable(pod: Pod): boolean {
  return (pod.spec?.containers ?? []).some(c => {
    const host = (c.image ?? '').split('/')[0];
    return (c.image ?? '').includes('/') && host.endsWith('.invalid');
  });
}

/** Images whose name contains `crashloop` crash at start (test hook). */
function crashes(pod: Pod): boolean {
  return (pod.spec?.containers ?? []).some(c => (c.image ?? '').includes('crashloop'));
}

function toMs(t: unknown): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'string') return Date.parse(t);
  return NaN;
}

type Mode = 'running' | 'crashloop' | 'imagepull' | 'succeeded' | 'failed';

function buildStatus(pod: Pod, mode: Mode, startIso: string) {
  const now = new Date().toISOString();
  const done = mode === 'succeeded' || mode === 'failed';
  const ready = mode === 'running';
  const cond = (type: string, ok: boolean, reason?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
  });
  const terminated = (code: number, message?: string) => ({
    terminated: {
      exitCode: code,
      reason: code === 0 ? 'Completed' : 'Error',
      ...(code !== 0
        ? { message: message ?? 'previews-test: simulated failure (exit code 1)' }
        : {}),
      startedAt: startIso,
      finishedAt: now,
    },
  });
  // A marked container fails with its "log"; after a failed init container nothing starts.
  const failing = mode === 'failed' ? failingContainer(pod) : undefined;
  const initNames = (pod.spec?.initContainers ?? []).map(c => c.name);
  const failedInitIndex = failing?.init ? initNames.indexOf(failing.name) : -1;
  const notStarted = { waiting: { reason: 'PodInitializing' } };
  const failedState = (name: string) =>
    failing
      ? name === failing.name
        ? terminated(1, failing.log.length ? `${failing.log.join('\n')}\n` : undefined)
        : failing.init
        ? notStarted
        : terminated(0)
      : terminated(1);
  const containerStatuses = (pod.spec?.containers ?? []).map(c => {
    let state: object;
    if (mode === 'succeeded') state = terminated(0);
    else if (mode === 'failed') state = failedState(c.name);
    else if (mode === 'imagepull')
      state = {
        waiting: {
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${c.image ?? ''}" (previews-test)`,
        },
      };
    else if (mode === 'crashloop')
      state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off restarting failed container ${c.name} (previews-test)`,
        },
      };
    else state = { running: { startedAt: startIso } };
    return {
      name: c.name,
      image: c.image ?? '',
      imageID: `fake://${c.image ?? ''}`,
      containerID: `fake://${pod.metadata?.uid}/${c.name}`,
      ready,
      started: mode === 'running',
      restartCount: mode === 'crashloop' ? 3 : 0,
      state,
      ...(mode === 'crashloop' ? { lastState: terminated(1) } : {}),
    };
  });
  const initContainerStatuses = (pod.spec?.initContainers ?? []).map((c, i) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: `fake://${c.image ?? ''}`,
    containerID: `fake://${pod.metadata?.uid}/${c.name}`,
    ready: failedInitIndex < 0 || i < failedInitIndex,
    restartCount: 0,
    state:
      failedInitIndex >= 0 && i >= failedInitIndex
        ? i === failedInitIndex
          ? failedState(c.name)
          : notStarted
        : {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: startIso,
              finishedAt: startIso,
            },
          },
  }));
  const phase =
    mode === 'succeeded'
      ? 'Succeeded'
      : mode === 'failed'
      ? 'Failed'
      : mode === 'imagepull'
      ? 'Pending'
      : 'Running';
  const notReadyReason = done ? 'PodCompleted' : 'ContainersNotReady';
  const ip = podIP(pod.metadata?.uid ?? keyOf(pod));
  return {
    phase,
    conditions: [
      cond('Initialized', true, done ? 'PodCompleted' : undefined),
      cond('Ready', ready, ready ? undefined : notReadyReason),
      cond('ContainersReady', ready, ready ? undefined : notReadyReason),
      cond('PodScheduled', true),
    ],
    hostIP: '127.0.0.1',
    podIP: ip,
    podIPs: [{ ip }],
    startTime: startIso,
    qosClass: pod.status?.qosClass ?? 'BestEffort',
    containerStatuses,
    initContainerStatuses,
    ...(mode === 'failed'
      ? { reason: 'Error', message: 'previews-test: simulated failure' }
      : {}),
  };
}

function currentMode(pod: Pod): Mode | undefined {
  const st = pod.status;
  if (!st) return undefined;
  if (st.phase === 'Succeeded') return 'succeeded';
  if (st.phase === 'Failed') return 'failed';
  if (
    st.phase === 'Pending' &&
    (st.containerStatuses ?? []).length > 0 &&
    (st.containerStatuses ?? []).every(c => c.state?.waiting?.reason === 'ImagePullBackOff')
  )
    return 'imagepull';
  if (st.phase !== 'Running') return undefined;
  const cs = st.containerStatuses ?? [];
  if (cs.length !== (pod.spec?.containers ?? []).length) return undefined;
  if (cs.every(c => c.ready && c.state?.running)) return 'running';
  if (
    cs.every(c => !c.ready && c.state?.waiting?.reason === 'CrashLoopBackOff')
  )
    return 'crashloop';
  return undefined;
}

async function patchStatus(pod: Pod, mode: Mode, startIso: string) {
  const { name, namespace, uid } = pod.metadata as {
    name: string;
    namespace: string;
    uid: string;
  };
  await core.patchNamespacedPodStatus(
    { name, namespace, body: { status: buildStatus(pod, mode, startIso) } },
    mergePatch,
  );
  reported.set(uid, mode);
  log(`${mode.padEnd(9)} ${namespace}/${name}`);
}

async function reconcile(pod: Pod): Promise<void> {
  const meta = pod.metadata!;
  const name = meta.name!;
  const namespace = meta.namespace!;
  const uid = meta.uid!;

  if (meta.deletionTimestamp) {
    await core.deleteNamespacedPod({
      name,
      namespace,
      gracePeriodSeconds: 0,
      body: { gracePeriodSeconds: 0, preconditions: { uid } },
    });
    log(`deleted   ${namespace}/${name}`);
    return;
  }

  if (!pod.spec?.nodeName) {
    try {
      await core.createNamespacedPodBinding({
        name,
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, uid },
          target: { apiVersion: 'v1', kind: 'Node', name: NODE },
        },
      });
      log(`bound     ${namespace}/${name}`);
    } catch (e) {
      if (statusCode(e) !== 409) throw e; // 409: already bound
    }
    return; // the watch delivers the bound pod
  }
  if (pod.spec.nodeName !== NODE) return;

  // what the pod shows, or what we wrote last if the watch lags behind
  const mode = currentMode(pod) ?? reported.get(uid);
  if (mode === 'succeeded' || mode === 'failed') return;
  if (reported.get(uid) === 'succeeded' || reported.get(uid) === 'failed')
    return;
  const fail = wantsFailure(pod);

  if (runsToCompletion(pod)) {
    if (mode !== 'running' && mode !== 'crashloop') {
      const startIso = new Date().toISOString();
      startedAt.set(uid, Date.now());
      await patchStatus(pod, 'running', startIso);
      later(COMPLETE_AFTER_MS, () => enqueue(`${namespace}/${name}`));
      return;
    }
    const started =
      startedAt.get(uid) ?? toMs(pod.status?.startTime) ?? Date.now();
    const wait = started + COMPLETE_AFTER_MS - Date.now();
    if (Number.isFinite(wait) && wait > 0) {
      later(wait, () => enqueue(`${namespace}/${name}`));
      return;
    }
    const startIso = new Date(
      Number.isFinite(started) ? started : Date.now(),
    ).toISOString();
    await patchStatus(pod, fail ? 'failed' : 'succeeded', startIso);
    startedAt.delete(uid);
    return;
  }

  const want: Mode = unpullable(pod)
    ? 'imagepull'
    : fail || crashes(pod)
    ? 'crashloop'
    : 'running';
  if (mode === want) return;
  const st = toMs(pod.status?.startTime);
  const startIso = new Date(
    Number.isFinite(st) ? st : Date.now(),
  ).toISOString();
  await patchStatus(pod, want, startIso);
}

// --------------------------------------------------------------- watch ----

interface Obj {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
}

/**
 * List, then watch from the list's resourceVersion; resume the watch when the
 * server closes it, re-list when it fails or reports an error (e.g. 410 Gone).
 */
class ListWatch<T extends Obj> {
  private abort: AbortController | undefined;
  private rv = '';

  constructor(
    private readonly what: string,
    private readonly path: string,
    private readonly list: () => Promise<{
      items: T[];
      metadata?: { resourceVersion?: string };
    }>,
    private readonly onListed: (items: T[]) => void,
    private readonly onEvent: (
      type: 'ADDED' | 'MODIFIED' | 'DELETED',
      obj: T,
    ) => void,
  ) {}

  start() {
    void this.relist();
  }

  stop() {
    this.abort?.abort();
  }

  private async relist(): Promise<void> {
    if (stopping) return;
    let res;
    try {
      res = await this.list();
    } catch (e) {
      log(`list ${this.what}: ${errText(e)}; retrying in 2s`);
      later(2000, () => void this.relist());
      return;
    }
    this.rv = res.metadata?.resourceVersion ?? '';
    this.onListed(res.items);
    log(`listed ${res.items.length} ${this.what} (rv ${this.rv})`);
    await this.watch();
  }

  private async watch(): Promise<void> {
    if (stopping) return;
    let finished = false;
    let relist = false;
    const done = (err: unknown) => {
      if (finished) return;
      finished = true;
      this.abort = undefined;
      if (stopping) return;
      if (err && (err as { name?: string }).name !== 'AbortError') {
        log(`watch ${this.what} ended: ${errText(err)}; re-listing`);
        later(1000, () => void this.relist());
      } else if (relist) {
        later(200, () => void this.relist());
      } else {
        void this.watch(); // server-side timeout: resume from the last rv
      }
    };
    try {
      this.abort = await new k8s.Watch(kc).watch(
        this.path,
        {
          resourceVersion: this.rv,
          allowWatchBookmarks: true,
          timeoutSeconds: 300,
        },
        (type: string, obj: T & { code?: number; message?: string }) => {
          if (finished) return;
          if (type === 'ERROR') {
            log(
              `watch ${this.what}: error event ${obj?.code ?? ''} ${
                obj?.message ?? ''
              }`,
            );
            relist = true;
            const a = this.abort;
            done(undefined);
            a?.abort();
            return;
          }
          const rv = obj?.metadata?.resourceVersion;
          if (rv) this.rv = rv;
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
            this.onEvent(type, obj);
          }
        },
        done,
      );
    } catch (e) {
      done(e ?? new Error('watch failed'));
    }
  }
}

function forget(pod: Pod) {
  const key = keyOf(pod);
  const known = pods.get(key);
  if (known && known.metadata?.uid !== pod.metadata?.uid) return;
  pods.delete(key);
  const uid = pod.metadata?.uid;
  if (uid) {
    startedAt.delete(uid);
    ipByUid.delete(uid);
    reported.delete(uid);
  }
}

const podWatch = new ListWatch<Pod>(
  'pods',
  '/api/v1/pods',
  () => core.listPodForAllNamespaces({}),
  items => {
    const seen = new Set<string>();
    for (const p of items) {
      const key = keyOf(p);
      seen.add(key);
      pods.set(key, p);
      enqueue(key);
    }
    for (const [key, p] of [...pods]) if (!seen.has(key)) forget(p);
  },
  (type, pod) => {
    if (type === 'DELETED') {
      forget(pod);
      return;
    }
    const key = keyOf(pod);
    pods.set(key, pod);
    enqueue(key);
  },
);

// A terminating namespace: delete its pods at once (grace 0). Otherwise the
// namespace controller, which sees Running pods with a 30 s grace period,
// backs off for 16 s before finishing the deletion.
const purgedNamespaces = new Set<string>();
function onNamespace(ns: k8s.V1Namespace) {
  const uid = ns.metadata?.uid ?? '';
  const name = ns.metadata?.name ?? '';
  if (!ns.metadata?.deletionTimestamp || purgedNamespaces.has(uid)) return;
  purgedNamespaces.add(uid);
  core
    .deleteCollectionNamespacedPod({ namespace: name, gracePeriodSeconds: 0 })
    .then(() => log(`purged    pods of terminating namespace ${name}`))
    .catch(e => log(`purge pods of namespace ${name}: ${errText(e)}`));
}
const namespaceWatch = new ListWatch<k8s.V1Namespace>(
  'namespaces',
  '/api/v1/namespaces',
  () => core.listNamespace({}),
  items => items.forEach(onNamespace),
  (type, ns) => {
    if (type === 'DELETED') purgedNamespaces.delete(ns.metadata?.uid ?? '');
    else onNamespace(ns);
  },
);

// ---------------------------------------------------------------- main ----

function shutdown(sig: string) {
  if (stopping) return;
  stopping = true;
  log(`${sig}: stopping`);
  for (const t of timers) clearTimeout(t);
  timers.clear();
  podWatch.stop();
  namespaceWatch.stop();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('unhandledRejection', e => log(`unhandled: ${errText(e)}`));

log(
  `node agent for ${NODE} using ${kubeconfig} (${
    kc.getCurrentCluster()?.server
  })`,
);
void nodeLoop();
podWatch.start();
namespaceWatch.start();
