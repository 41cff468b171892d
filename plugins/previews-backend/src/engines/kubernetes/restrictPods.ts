import type {
  KubernetesObject,
  V1Container,
  V1PodSpec,
  V1PodTemplateSpec,
} from '@kubernetes/client-node';

/**
 * Pod templates hardened to the `restricted` Pod Security Standard, for
 * namespaces that enforce it: without these fields Pod Security Admission
 * refuses every pod, whatever its image does.
 *
 * - the pod: `runAsNonRoot` and the runtime's default seccomp profile;
 * - each container: no privilege escalation, every capability dropped.
 *
 * A uid the render chose (a workload's `runAsUser`, 999 for the official
 * database images) is kept. An image that runs as root without one fails
 * visibly (`CreateContainerConfigError`), never silently as root. Pure:
 * returns new objects.
 */
export function restrictPodTemplates(
  objects: KubernetesObject[],
): KubernetesObject[] {
  return objects.map(o => {
    const template = podTemplateOf(o);
    if (!template?.spec) return o;
    return withPodTemplate(o, {
      ...template,
      spec: restrictPodSpec(template.spec),
    });
  });
}

/** One pod spec hardened (see {@link restrictPodTemplates}). Pure. */
export function restrictPodSpec(spec: V1PodSpec): V1PodSpec {
  return {
    ...spec,
    securityContext: {
      ...spec.securityContext,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: spec.containers.map(restrictContainer),
    ...(spec.initContainers
      ? { initContainers: spec.initContainers.map(restrictContainer) }
      : {}),
  };
}

function restrictContainer(c: V1Container): V1Container {
  return {
    ...c,
    securityContext: {
      ...c.securityContext,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}

/** The pod template of a Deployment, StatefulSet or Job (the kinds previews render). */
function podTemplateOf(o: KubernetesObject): V1PodTemplateSpec | undefined {
  if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet' && o.kind !== 'Job')
    return undefined;
  return (o as { spec?: { template?: V1PodTemplateSpec } }).spec?.template;
}

function withPodTemplate(
  o: KubernetesObject,
  template: V1PodTemplateSpec,
): KubernetesObject {
  const spec = (o as { spec: object }).spec;
  return { ...o, spec: { ...spec, template } } as KubernetesObject;
}
