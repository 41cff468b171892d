import * as k8s from '@kubernetes/client-node';

/**
 * Keeps a live map of one kind's objects (list + watch, re-listed whenever the
 * watch ends or fails) and calls `changed` after every change.
 */
export function watchAll<T extends k8s.KubernetesObject>(
  kc: k8s.KubeConfig,
  path: string,
  list: () => Promise<k8s.KubernetesListObject<T>>,
  changed: (objects: Map<string, T>) => void,
  log: (msg: string) => void,
): Map<string, T> {
  const objects = new Map<string, T>();
  const key = (o: T) =>
    `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  const informer = k8s.makeInformer(kc, path, list);
  const set = (o: T) => {
    objects.set(key(o), o);
    changed(objects);
  };
  informer.on('add', set);
  informer.on('update', set);
  informer.on('delete', o => {
    objects.delete(key(o));
    changed(objects);
  });
  informer.on('error', err => {
    log(
      `watch ${path} failed (${
        err instanceof Error ? err.message : String(err)
      }): restarting in 1 s`,
    );
    setTimeout(() => informer.start().catch(() => undefined), 1000);
  });
  informer.start().catch(err => {
    log(`watch ${path} could not start (${String(err)}): restarting in 1 s`);
    setTimeout(() => informer.start().catch(() => undefined), 1000);
  });
  return objects;
}
