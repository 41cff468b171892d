import type { V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';

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
export function dependencyAccessLabels(d: Pick<PreviewDeployment, 'dependencies' | 'name'>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const dependency of d.dependencies ?? []) {
    if (dependency.previewName && dependency.previewName !== d.name) labels[usesLabel(dependency.previewName)] = 'true';
  }
  return labels;
}

/** The NetworkPolicy peer admitting the namespaces of previews routed to this one. */
export function dependentsPeer(d: Pick<PreviewDeployment, 'name'>): V1NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [usesLabel(d.name)]: 'true' } } };
}
