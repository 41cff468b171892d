import { Config } from '@backstage/config';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { PreviewResourceRequests } from '@backstage-previews/plugin-previews-node';
import { quantityValue } from './quantities';

/** Default container requests (the LimitRange's `defaultRequest`), as Kubernetes quantities. */
export interface DefaultRequests {
  cpu?: string;
  memory?: string;
}

/** Requests of containers that set none, when no LimitRange says otherwise. */
export const DEFAULT_CONTAINER_REQUEST: Readonly<Record<string, string>> = {
  cpu: '50m',
  memory: '64Mi',
};

/** The requests containers without their own get: a LimitRange's `defaultRequest`, none when it is off. */
export function defaultRequestsOf(
  limitRange: false | { defaultRequest?: Record<string, string> } | undefined,
): DefaultRequests {
  return limitRange === false
    ? {}
    : limitRange?.defaultRequest ?? DEFAULT_CONTAINER_REQUEST;
}

/**
 * The requests containers without their own get in previews.kubernetes'
 * namespaces (its `limitRange`): what an engine that does not render the
 * LimitRange itself prices such containers at.
 */
export function defaultRequestsFromConfig(
  kubernetes: Config | undefined,
): DefaultRequests {
  const limitRange = kubernetes?.getOptionalConfig('limitRange');
  if (limitRange?.getOptionalBoolean('enabled') === false)
    return defaultRequestsOf(false);
  const configured = limitRange?.getOptionalConfig('defaultRequest');
  const defaultRequest =
    configured &&
    Object.fromEntries(
      configured.keys().map(key => [key, configured.getString(key)]),
    );
  return defaultRequestsOf(defaultRequest ? { defaultRequest } : undefined);
}

const GIB = 2 ** 30;
const DEFAULT_DATABASE_STORAGE = '1Gi';

const cores = (q: string | undefined) =>
  q === undefined ? 0 : quantityValue(q) ?? 0;
const gib = (q: string | undefined) =>
  q === undefined ? 0 : (quantityValue(q) ?? 0) / GIB;

/**
 * What a preview of this spec asks of a Kubernetes cluster: the requests of
 * its app workloads (replicas × requests, the default for a container that
 * sets none), of its database servers (one container each, at the default)
 * and the databases' volumes. Pure.
 */
export function requestsOf(
  spec: PreviewSpec,
  defaults: DefaultRequests = {},
): PreviewResourceRequests {
  const app = { cpuCores: 0, memoryGiB: 0 };
  for (const w of spec.workloads) {
    const replicas = w.replicas ?? 1;
    app.cpuCores +=
      replicas * cores(w.resources?.requests?.cpu ?? defaults.cpu);
    app.memoryGiB +=
      replicas * gib(w.resources?.requests?.memory ?? defaults.memory);
  }
  const databases = { cpuCores: 0, memoryGiB: 0 };
  let storageGiB = 0;
  const servers = spec.databases ?? {};
  for (const server of [servers.postgres, servers.redis, servers.mongodb]) {
    if (!server) continue;
    databases.cpuCores += cores(defaults.cpu);
    databases.memoryGiB += gib(defaults.memory);
  }
  if (servers.postgres)
    storageGiB += gib(servers.postgres.storage ?? DEFAULT_DATABASE_STORAGE);
  if (servers.mongodb)
    storageGiB += gib(servers.mongodb.storage ?? DEFAULT_DATABASE_STORAGE);
  return { app, databases, storageGiB };
}
