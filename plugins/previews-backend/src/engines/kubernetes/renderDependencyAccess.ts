import type {
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
} from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { PreviewWorkloadSpec } from '@backstage-previews/plugin-previews-common';
import { WORKLOAD_LABEL } from '../shared/labels';
import { objectMeta } from './renderMetadata';

export const DEPENDENTS_POLICY_NAME = 'preview-dependents';

/**
 * Previews of other components reach a preview's Service across namespaces,
 * which its NetworkPolicy otherwise refuses. A dependent preview's namespace
 * carries `uses.backstage-previews.io/<target preview name>: "true"` for each
 * preview it is routed to, and every preview admits namespaces carrying its
 * own such label: access follows the routes, and ends when a route changes
 * (server-side apply drops the label).
 */
const USES_LABEL_PREFIX = 'uses.backstage-previews.io/';

/** The label a namespace carries to reach the preview of that name. */
export function usesLabel(previewName: string): string {
  return `${USES_LABEL_PREFIX}${previewName}`;
}

/** The labels of a preview's namespace for the previews it is routed to. */
export function dependencyAccessLabels(
  d: Pick<PreviewDeployment, 'dependencies' | 'name'>,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const dependency of d.dependencies ?? []) {
    if (dependency.previewName && dependency.previewName !== d.name)
      labels[usesLabel(dependency.previewName)] = 'true';
  }
  return labels;
}

/** The NetworkPolicy peer admitting the namespaces of previews routed to this one. */
export function dependentsPeer(
  d: Pick<PreviewDeployment, 'name'>,
): V1NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { [usesLabel(d.name)]: 'true' } },
  };
}

/**
 * NetworkPolicy `preview-dependents`: the previews routed to this one reach
 * its exposed workload on that workload's port, and nothing else of it (not
 * its databases, not its other workloads).
 */
export function renderDependentsPolicy(
  d: PreviewDeployment,
  exposed: PreviewWorkloadSpec & { port: number },
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(d, DEPENDENTS_POLICY_NAME),
    spec: {
      podSelector: { matchLabels: { [WORKLOAD_LABEL]: exposed.name } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [dependentsPeer(d)],
          ports: [{ protocol: 'TCP', port: exposed.port }],
        },
      ],
    },
  };
}
