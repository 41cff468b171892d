import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { exposedWorkload } from '../engines/kubernetes/renderNetworking';

/**
 * How previews of other components reach a preview: for the Kubernetes
 * engine the in-cluster DNS name of its exposed workload's Service (port 80),
 * `http://<workload>.<namespace>.svc.cluster.local`; for other engines its
 * public URL. Undefined when it exposes nothing.
 */
export function previewServiceUrl(preview: { engine: string; namespace: string; url?: string }, spec: PreviewSpec): string | undefined {
  if (preview.engine !== 'kubernetes') return preview.url;
  const exposed = exposedWorkload(spec);
  return exposed ? `http://${exposed.name}.${preview.namespace}.svc.cluster.local` : undefined;
}
