import type { V1PodSpec } from '@kubernetes/client-node';
import { podSecurityProblems } from './podSecurityStandard';
import { PodSecurityLevel } from './renderPodSecurity';

const compliant: V1PodSpec = {
  securityContext: {
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  volumes: [
    { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    { name: 'env', configMap: { name: 'env' } },
  ],
  containers: [
    {
      name: 'web',
      image: 'demo',
      ports: [{ containerPort: 80 }],
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      },
    },
  ],
};

const change = (fn: (s: V1PodSpec) => void): V1PodSpec => {
  const s = structuredClone(compliant);
  fn(s);
  return s;
};

describe('podSecurityProblems', () => {
  it('finds nothing in a pod that complies with restricted', () => {
    expect(podSecurityProblems(compliant, 'restricted')).toEqual([]);
    expect(podSecurityProblems(compliant, 'baseline')).toEqual([]);
  });

  const cases: Array<
    [string, PodSecurityLevel, (s: V1PodSpec) => void, string]
  > = [
    [
      'host network',
      'baseline',
      s => void (s.hostNetwork = true),
      'hostNetwork is set',
    ],
    [
      'a hostPath volume',
      'baseline',
      s => void s.volumes!.push({ name: 'root', hostPath: { path: '/' } }),
      'volume root is a hostPath',
    ],
    [
      'a privileged container',
      'baseline',
      s => void (s.containers[0].securityContext!.privileged = true),
      'container web is privileged',
    ],
    [
      'a host port',
      'baseline',
      s => void (s.containers[0].ports![0].hostPort = 80),
      'container web uses host port 80',
    ],
    [
      'SYS_ADMIN added',
      'baseline',
      s =>
        void s.containers[0].securityContext!.capabilities!.add!.push(
          'SYS_ADMIN',
        ),
      'container web adds SYS_ADMIN',
    ],
    [
      'an unsafe sysctl',
      'baseline',
      s =>
        void (s.securityContext!.sysctls = [
          { name: 'kernel.msgmax', value: '1' },
        ]),
      'sysctl kernel.msgmax is not a safe one',
    ],
    [
      'seccomp Unconfined',
      'baseline',
      s => void (s.securityContext!.seccompProfile = { type: 'Unconfined' }),
      'the pod seccomp profile is Unconfined',
    ],
    [
      'privilege escalation',
      'restricted',
      s =>
        void delete s.containers[0].securityContext!.allowPrivilegeEscalation,
      'container web allows privilege escalation',
    ],
    [
      'runAsNonRoot unset',
      'restricted',
      s => void delete s.securityContext!.runAsNonRoot,
      'container web may run as root (runAsNonRoot is not set)',
    ],
    [
      'uid 0',
      'restricted',
      s => void (s.containers[0].securityContext!.runAsUser = 0),
      'container web runs as uid 0',
    ],
    [
      'no seccomp profile',
      'restricted',
      s => void delete s.securityContext!.seccompProfile,
      'container web has no RuntimeDefault or Localhost seccomp profile',
    ],
    [
      'capabilities kept',
      'restricted',
      s => void (s.containers[0].securityContext!.capabilities!.drop = []),
      'container web does not drop ALL capabilities',
    ],
    [
      'CHOWN added',
      'restricted',
      s =>
        void s.containers[0].securityContext!.capabilities!.add!.push('CHOWN'),
      'container web adds CHOWN (restricted allows only NET_BIND_SERVICE)',
    ],
    [
      'an init container without hardening',
      'restricted',
      s => void (s.initContainers = [{ name: 'wait', image: 'pg' }]),
      'container wait allows privilege escalation',
    ],
    [
      'a hostPath volume (restricted)',
      'restricted',
      s => void s.volumes!.push({ name: 'root', hostPath: { path: '/' } }),
      'volume root is of type hostPath',
    ],
  ];
  it.each(cases)('%s breaks %s', (_name, level, fn, problem) => {
    const spec = change(fn);
    expect(podSecurityProblems(spec, level)).toContain(problem);
    expect(podSecurityProblems(spec, 'privileged')).toEqual([]);
  });

  it('holds restricted-only problems against restricted, not baseline', () => {
    const root = change(s => void (s.securityContext = {}));
    expect(podSecurityProblems(root, 'baseline')).toEqual([]);
    expect(podSecurityProblems(root, 'restricted')).not.toEqual([]);
  });
});
