import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { PodSecurityLevel } from './renderPodSecurity';

// The checks of the Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards)
// that concern fields a pod spec can carry. The v1.20 test apiserver has no
// Pod Security Admission, so the tests hold every rendered pod to these.

/** Capabilities `baseline` lets a container add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** Volume types `restricted` allows. */
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
]);

/** What in a pod spec breaks the given level; empty when it complies. Pure. */
export function podSecurityProblems(
  spec: V1PodSpec,
  level: PodSecurityLevel,
): string[] {
  if (level === 'privileged') return [];
  const containers: V1Container[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
  ];
  const problems: string[] = [];
  const fail = (what: string) => problems.push(what);

  // baseline
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const)
    if (spec[host]) fail(`${host} is set`);
  for (const v of spec.volumes ?? [])
    if (v.hostPath) fail(`volume ${v.name} is a hostPath`);
  for (const s of spec.securityContext?.sysctls ?? [])
    if (!SAFE_SYSCTLS.has(s.name)) fail(`sysctl ${s.name} is not a safe one`);
  if (spec.securityContext?.seccompProfile?.type === 'Unconfined')
    fail('the pod seccomp profile is Unconfined');
  for (const c of containers) {
    const sc = c.securityContext;
    if (sc?.privileged) fail(`container ${c.name} is privileged`);
    for (const p of c.ports ?? [])
      if (p.hostPort) fail(`container ${c.name} uses host port ${p.hostPort}`);
    for (const cap of sc?.capabilities?.add ?? [])
      if (!BASELINE_CAPABILITIES.has(cap))
        fail(`container ${c.name} adds ${cap}`);
    if (sc?.procMount && sc.procMount !== 'Default')
      fail(`container ${c.name} has procMount ${sc.procMount}`);
    if (sc?.seccompProfile?.type === 'Unconfined')
      fail(`container ${c.name} has an Unconfined seccomp profile`);
  }
  if (level === 'baseline') return problems;

  // restricted
  for (const v of spec.volumes ?? []) {
    const types = Object.keys(v).filter(k => k !== 'name');
    if (!types.every(t => RESTRICTED_VOLUMES.includes(t)))
      fail(`volume ${v.name} is of type ${types.join(', ')}`);
  }
  const pod = spec.securityContext;
  if (pod?.runAsUser === 0) fail('the pod runs as uid 0');
  const seccompOk = (type?: string) =>
    type === 'RuntimeDefault' || type === 'Localhost';
  for (const c of containers) {
    const sc = c.securityContext;
    if (sc?.allowPrivilegeEscalation !== false)
      fail(`container ${c.name} allows privilege escalation`);
    if (!(sc?.runAsNonRoot ?? pod?.runAsNonRoot))
      fail(`container ${c.name} may run as root (runAsNonRoot is not set)`);
    if (sc?.runAsUser === 0) fail(`container ${c.name} runs as uid 0`);
    if (!seccompOk(sc?.seccompProfile?.type ?? pod?.seccompProfile?.type))
      fail(
        `container ${c.name} has no RuntimeDefault or Localhost seccomp profile`,
      );
    if (!sc?.capabilities?.drop?.includes('ALL'))
      fail(`container ${c.name} does not drop ALL capabilities`);
    for (const cap of sc?.capabilities?.add ?? [])
      if (cap !== 'NET_BIND_SERVICE')
        fail(
          `container ${c.name} adds ${cap} (restricted allows only NET_BIND_SERVICE)`,
        );
  }
  return problems;
}
