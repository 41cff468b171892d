import type { V1Namespace } from '@kubernetes/client-node';
import {
  PreviewOwnershipError,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PREVIEW_ID_LABEL,
} from '../shared/labels';
import { retryTransient } from './retryTransient';
import { statusCode } from './statusCode';

/** A preview's namespace; undefined when there is none. */
export async function readNamespace(
  k8s: K8s,
  cluster: ClusterConnection,
  name: string,
): Promise<V1Namespace | undefined> {
  try {
    return await retryTransient(() =>
      cluster.kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name }),
    );
  } catch (e) {
    if (statusCode(e) === 404) return undefined;
    throw e;
  }
}

/** Refuses to touch a namespace that exists and is not this preview's. */
export function assertOwned(
  ns: V1Namespace | undefined,
  target: PreviewTarget,
): void {
  if (!ns) return;
  const labels = ns.metadata?.labels ?? {};
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
    throw new PreviewOwnershipError(
      `Namespace ${target.name} already exists and is not managed by Backstage Previews; it was left untouched`,
    );
  }
  if (labels[PREVIEW_ID_LABEL] !== target.previewId) {
    throw new PreviewOwnershipError(
      `Namespace ${target.name} belongs to another preview (${
        labels[PREVIEW_ID_LABEL]
      })${
        ns.metadata?.deletionTimestamp ? ' that is still being deleted' : ''
      }; it was left untouched`,
    );
  }
}
