import type { KubernetesObject } from '@kubernetes/client-node';

const LATE_KINDS = new Set([
  'Deployment',
  'Service',
  'Ingress',
  'StatefulSet',
  'Job',
]);

/** Splits rendered objects into the stages they are applied in. */
export function applyStages(objects: KubernetesObject[]): KubernetesObject[][] {
  const first = (o: KubernetesObject) =>
    o.kind === 'Namespace' || o.kind === 'RoleBinding';
  const namespace = objects.filter(o => o.kind === 'Namespace');
  // The backend's Secret access in the namespace, before any Secret is written.
  const binding = objects.filter(o => o.kind === 'RoleBinding');
  const rest = objects.filter(o => !first(o));
  return [
    namespace,
    binding,
    rest.filter(o => !LATE_KINDS.has(o.kind ?? '')),
    rest.filter(o => LATE_KINDS.has(o.kind ?? '')),
  ].filter(s => s.length);
}
