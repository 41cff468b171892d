/*
 * The test cluster's addons, one process beside the kubelet:
 * - cluster DNS: a hosts file for dnsmasq with every Service's name;
 * - Ingress routes: nginx (started here) configured from the Ingress objects;
 * - local volumes: a hostPath PersistentVolume for each pending claim;
 * - NetworkPolicy ingress enforcement: an iptables chain for the node's pod CIDR.
 *
 *   node --import tsx test/cluster/addons/main.ts --kubeconfig F --state DIR --ingress-port N
 *     [--pod-cidr CIDR --policy-chain NAME] [--no-cluster-ips]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { watchAll } from './watchAll';
import { serviceRecords } from './serviceRecords';
import { ingressRoutes, nginxConfig } from './ingressRoutes';
import { isReleased, volumeForClaim } from './localVolumes';
import { ingressPolicyRules } from './networkPolicies';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const kubeconfig = arg('kubeconfig');
const stateDir = arg('state');
const ingressPort = Number(arg('ingress-port'));
/** The node's IP: nginx listens there too, for pods. */
const nodeIp = arg('node-ip');
if (!kubeconfig || !stateDir || !Number.isInteger(ingressPort)) {
  console.error(
    'usage: main.ts --kubeconfig FILE --state DIR --ingress-port PORT [--no-cluster-ips]',
  );
  process.exit(2);
}
const clusterIps = !process.argv.includes('--no-cluster-ips');
const log = (msg: string) =>
  process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${msg}\n`);

const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const networking = kc.makeApiClient(k8s.NetworkingV1Api);

// Writes are debounced: a burst of changes gives one file and one reload.
function debounced(fn: () => void, ms = 100): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}
function writeIfChanged(file: string, text: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text)
    return false;
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
  return true;
}

// ---- nginx --------------------------------------------------------------
const nginxDir = path.join(stateDir, 'nginx');
fs.mkdirSync(path.join(nginxDir, 'tmp'), { recursive: true });
// A socket left by a killed nginx would keep the new one from listening there.
fs.rmSync(path.join(nginxDir, 'no-endpoints.sock'), { force: true });
const nginxConf = path.join(nginxDir, 'nginx.conf');
writeIfChanged(
  nginxConf,
  nginxConfig([], { port: ingressPort, stateDir, nodeIp }),
);
const nginx = spawn(
  'nginx',
  ['-e', path.join(nginxDir, 'error.log'), '-p', nginxDir, '-c', nginxConf],
  { stdio: 'inherit' },
);
nginx.on('exit', code => {
  log(`nginx exited (${code}): stopping`);
  process.exit(1);
});

// ---- watches ------------------------------------------------------------
let services = new Map<string, k8s.V1Service>();
let endpoints = new Map<string, k8s.V1Endpoints>();
let ingresses = new Map<string, k8s.V1Ingress>();

const refresh = debounced(() => {
  writeIfChanged(
    path.join(stateDir, 'dns', 'services.hosts'),
    serviceRecords(services.values(), endpoints, { clusterIps }),
  );
  const conf = nginxConfig(
    ingressRoutes(ingresses.values(), services, endpoints),
    { port: ingressPort, stateDir, nodeIp },
  );
  if (writeIfChanged(nginxConf, conf)) {
    const test = spawnSync(
      'nginx',
      [
        '-t',
        '-q',
        '-e',
        path.join(nginxDir, 'error.log'),
        '-p',
        nginxDir,
        '-c',
        nginxConf,
      ],
      { encoding: 'utf8' },
    );
    if (test.status !== 0)
      log(`nginx refused the new configuration: ${test.stderr.trim()}`);
    else nginx.kill('SIGHUP');
  }
  // start.sh waits for the first records and routes
  fs.writeFileSync(
    path.join(stateDir, 'addons.ready'),
    `${new Date().toISOString()}\n`,
  );
});

services = watchAll(
  kc,
  '/api/v1/services',
  () => core.listServiceForAllNamespaces(),
  refresh,
  log,
);
endpoints = watchAll(
  kc,
  '/api/v1/endpoints',
  () => core.listEndpointsForAllNamespaces(),
  refresh,
  log,
);
ingresses = watchAll(
  kc,
  '/apis/networking.k8s.io/v1/ingresses',
  () => networking.listIngressForAllNamespaces(),
  refresh,
  log,
);

// ---- NetworkPolicy enforcement -------------------------------------------
const podCidr = arg('pod-cidr');
const policyChain = arg('policy-chain');
// -w: wait for the xtables lock (kube-proxy holds it while it syncs)
const iptables = (...args: string[]) =>
  spawnSync('iptables', ['-w', ...args], { encoding: 'utf8' });
if (podCidr && policyChain) {
  iptables('-N', policyChain);
  // first in FORWARD: traffic to this node's pods crosses the bridge there
  if (iptables('-C', 'FORWARD', '-d', podCidr, '-j', policyChain).status !== 0)
    iptables('-I', 'FORWARD', '1', '-d', podCidr, '-j', policyChain);
  let pods = new Map<string, k8s.V1Pod>();
  let namespaces = new Map<string, k8s.V1Namespace>();
  let policies = new Map<string, k8s.V1NetworkPolicy>();
  let applied = '';
  const enforce = debounced(() => {
    const rules = ingressPolicyRules(
      policyChain,
      policies.values(),
      pods.values(),
      namespaces.values(),
    ).join('\n');
    if (rules === applied) return;
    // declaring the chain in a --noflush restore replaces its rules at once
    const restore = spawnSync('iptables-restore', ['-w', '--noflush'], {
      input: `*filter\n:${policyChain} - [0:0]\n${rules}\nCOMMIT\n`,
      encoding: 'utf8',
    });
    if (restore.status === 0) applied = rules;
    else {
      log(
        `iptables-restore refused the NetworkPolicy rules (retrying in 1 s): ${restore.stderr.trim()}`,
      );
      setTimeout(enforce, 1000);
    }
  });
  pods = watchAll(
    kc,
    '/api/v1/pods',
    () => core.listPodForAllNamespaces(),
    enforce,
    log,
  );
  namespaces = watchAll(
    kc,
    '/api/v1/namespaces',
    () => core.listNamespace(),
    enforce,
    log,
  );
  policies = watchAll(
    kc,
    '/apis/networking.k8s.io/v1/networkpolicies',
    () => networking.listNetworkPolicyForAllNamespaces(),
    enforce,
    log,
  );
}

// ---- local volumes --------------------------------------------------------
const volumesDir = path.join(stateDir, 'volumes');
fs.mkdirSync(volumesDir, { recursive: true });
const provisioning = new Set<string>();
watchAll<k8s.V1PersistentVolumeClaim>(
  kc,
  '/api/v1/persistentvolumeclaims',
  () => core.listPersistentVolumeClaimForAllNamespaces(),
  claims => {
    for (const claim of claims.values()) {
      const pv = volumeForClaim(claim, volumesDir);
      if (!pv || provisioning.has(pv.metadata!.name!)) continue;
      provisioning.add(pv.metadata!.name!);
      // any user may write: database images run as their own uid
      fs.mkdirSync(pv.spec!.hostPath!.path, { recursive: true, mode: 0o777 });
      fs.chmodSync(pv.spec!.hostPath!.path, 0o777);
      core.createPersistentVolume({ body: pv }).then(
        () =>
          log(
            `volume ${pv.metadata!.name} for ${claim.metadata?.namespace}/${
              claim.metadata?.name
            }`,
          ),
        err => {
          if ((err as { code?: number }).code !== 409) {
            provisioning.delete(pv.metadata!.name!);
            log(`creating volume ${pv.metadata!.name} failed: ${String(err)}`);
          }
        },
      );
    }
  },
  log,
);
watchAll<k8s.V1PersistentVolume>(
  kc,
  '/api/v1/persistentvolumes',
  () => core.listPersistentVolume(),
  volumes => {
    for (const pv of volumes.values()) {
      if (!isReleased(pv)) continue;
      const name = pv.metadata!.name!;
      core.deletePersistentVolume({ name }).then(
        () => {
          fs.rmSync(pv.spec!.hostPath!.path, { recursive: true, force: true });
          provisioning.delete(name);
          log(`volume ${name} released: deleted`);
        },
        () => undefined,
      );
    }
  },
  log,
);

const stop = () => {
  if (podCidr && policyChain) {
    iptables('-D', 'FORWARD', '-d', podCidr, '-j', policyChain);
    iptables('-F', policyChain);
    iptables('-X', policyChain);
  }
  nginx.removeAllListeners('exit');
  nginx.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
log(
  `addons running: DNS from ${
    clusterIps ? 'ClusterIPs' : 'endpoints'
  }, Ingress on 127.0.0.1:${ingressPort}`,
);
