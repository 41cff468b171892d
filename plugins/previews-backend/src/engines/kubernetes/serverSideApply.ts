import type { KubernetesObject } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { PreviewTarget } from '@backstage-previews/plugin-previews-node';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import { FIELD_MANAGER } from '../shared/labels';
import { DEFAULT_RETRY, retryTransient } from './retryTransient';

/** Server-side apply of one object; rate limits, 5xx, conflicts and refused connections are retried with backoff. */
export async function serverSideApply(
  k8s: K8s,
  cluster: ClusterConnection,
  target: PreviewTarget,
  o: KubernetesObject,
  logger: LoggerService,
): Promise<KubernetesObject> {
  const objects = cluster.kc.makeApiClient(k8s.KubernetesObjectApi);
  return retryTransient(
    () =>
      objects.patch(
        o,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        k8s.PatchStrategy.ServerSideApply,
      ),
    {
      ...DEFAULT_RETRY,
      onRetry: (e, attempt, delay) =>
        logger.warn(
          `Applying ${o.kind} ${o.metadata?.name} in ${target.name} failed (${
            String(e).split('\n')[0]
          }), retry ${attempt} in ${delay} ms`,
        ),
    },
  );
}
