import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { exposedWorkload } from './renderNetworking';

/**
 * How previews of other components reach a Kubernetes preview: the
 * in-cluster DNS name of its exposed workload's Service (port 80),
 * `http://<workload>.<namespace>.svc.cluster.local`. Undefined when it
 * exposes nothing.
 */
export function serviceUrl(
  namespace: string,
  spec: PreviewSpec,
): string | undefined {
  const exposed = exposedWorkload(spec);
  return exposed
    ? `http://${exposed.name}.${namespace}.svc.cluster.local`
    : undefined;
}
