import { PreviewTarget } from '@backstage-previews/plugin-previews-node';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import { assertOwned, readNamespace } from './previewNamespace';
import { statusCode } from './statusCode';

/**
 * Deletes the preview's namespace (in the background: its objects go with
 * it) when it is this preview's and not already going. Returns without
 * waiting; the watch reports the namespace gone.
 */
export async function destroyNamespace(
  k8s: K8s,
  cluster: ClusterConnection,
  target: PreviewTarget,
): Promise<void> {
  const ns = await readNamespace(k8s, cluster, target.name);
  assertOwned(ns, target);
  if (!ns || ns.metadata?.deletionTimestamp) return;
  try {
    // Only the namespace checked above: one recreated since under the same name is not deleted.
    await cluster.kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({
      name: target.name,
      body: {
        propagationPolicy: 'Background',
        preconditions: { uid: ns.metadata!.uid },
      },
    });
  } catch (e) {
    if (statusCode(e) === 409) {
      throw new Error(
        `namespace ${target.name} was replaced while it was being destroyed; it was left alone (the next destroy checks it again)`,
      );
    }
    if (statusCode(e) !== 404) throw e;
  }
}
