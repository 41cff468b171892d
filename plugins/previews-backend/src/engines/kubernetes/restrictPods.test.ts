import type {
  KubernetesObject,
  V1Deployment,
  V1Job,
  V1PodSpec,
} from '@kubernetes/client-node';
import { restrictPodSpec, restrictPodTemplates } from './restrictPods';
import { podSecurityProblems } from './podSecurityStandard';

const rootPod = (): V1PodSpec => ({
  initContainers: [
    { name: 'wait', image: 'postgres:16', securityContext: { runAsUser: 999 } },
  ],
  containers: [{ name: 'web', image: 'demo', ports: [{ containerPort: 80 }] }],
  securityContext: { fsGroup: 999 },
});

describe('restrictPodSpec', () => {
  it('makes a pod spec without any security fields comply with restricted', () => {
    expect(podSecurityProblems(rootPod(), 'restricted')).not.toEqual([]);
    expect(
      podSecurityProblems(restrictPodSpec(rootPod()), 'restricted'),
    ).toEqual([]);
  });

  it('keeps the uid and group the render chose, and does not change its input', () => {
    const input = rootPod();
    const out = restrictPodSpec(input);
    expect(out.initContainers![0].securityContext).toEqual({
      runAsUser: 999,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(out.securityContext).toEqual({
      fsGroup: 999,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(input).toEqual(rootPod());
  });
});

describe('restrictPodTemplates', () => {
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { selector: {}, template: { spec: rootPod() } },
  };
  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'seed-1' },
    spec: { template: { spec: rootPod() } },
  };
  const configMap: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-env' },
  };

  it.each([
    ['Deployment', deployment],
    ['Job', job],
    ['StatefulSet', { ...deployment, kind: 'StatefulSet' }],
  ])('hardens the pod template of a %s', (_kind, object) => {
    const [out] = restrictPodTemplates([
      object as KubernetesObject,
    ]) as V1Deployment[];
    expect(podSecurityProblems(out.spec!.template.spec!, 'restricted')).toEqual(
      [],
    );
    expect(out.metadata).toEqual(object.metadata);
  });

  it('leaves objects without pods as they are', () => {
    expect(restrictPodTemplates([configMap])[0]).toBe(configMap);
  });
});
