import type { Watch } from '@kubernetes/client-node';

/**
 * A Watch whose failures to (re)connect reach the informer as errors.
 *
 * client-node's ListWatch re-opens a watch that ended by awaiting
 * `watch.watch()` inside its own done handler; when the apiserver is down
 * at that moment the promise rejects there, unobserved, and the informer
 * silently stops for good while its cache looks complete. Turning the
 * rejection into `done(error)` makes the informer report an error, which
 * ClusterWatch answers by restarting it until the apiserver is back.
 */
export function resilientWatch(watch: Watch): Watch {
  return {
    async watch(path, queryParams, callback, done) {
      try {
        return await watch.watch(path, queryParams, callback, done);
      } catch (e) {
        setImmediate(() => done(e));
        return new AbortController();
      }
    },
  } as Watch;
}
