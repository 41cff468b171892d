import type { KubernetesObject, Watch } from '@kubernetes/client-node';

/** Written by `kubectl apply` on every object it touched: a copy of the object itself. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * An object as the watch caches keep it: without `managedFields` (who set
 * each field; often as large as the object) and kubectl's copy of its last
 * applied configuration. Observing a preview reads neither. Changes the
 * object in place and returns it (the caches hold the only reference).
 */
export function compactObject<T extends KubernetesObject>(o: T): T {
  const metadata = o?.metadata;
  if (!metadata) return o;
  delete metadata.managedFields;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    delete metadata.annotations[LAST_APPLIED];
  }
  return o;
}

/** A Watch whose events carry compacted objects (see compactObject). */
export function compactingWatch(watch: Watch): Watch {
  return {
    watch(path, queryParams, callback, done) {
      return watch.watch(
        path,
        queryParams,
        (phase, apiObj, watchObj) =>
          callback(phase, compactObject(apiObj), watchObj),
        done,
      );
    },
  } as Watch;
}

/** A list answer with compacted items. */
export async function compactList<L extends { items: KubernetesObject[] }>(
  list: Promise<L>,
): Promise<L> {
  const answer = await list;
  answer.items.forEach(compactObject);
  return answer;
}
