import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { quantityValue } from '../engines/kubernetes/renderWorkloads';

/**
 * What a preview asks of its cluster, from its spec: the resource requests
 * of its app workloads (replicas × requests, the LimitRange default for a
 * container that sets none) and of its database servers (one container each,
 * at the LimitRange default), the databases' volumes, and whether it runs on
 * spot nodes. Stored with the preview; the cost is priced from it on read.
 */
export interface ResourceFootprint {
  /** App workloads (scaled to zero while sleeping). */
  app: { cpuCores: number; memoryGiB: number };
  /** Database servers (stay while sleeping). */
  databases: { cpuCores: number; memoryGiB: number };
  storageGiB: number;
  spot: boolean;
}

/** Default container requests (the LimitRange's `defaultRequest`), as Kubernetes quantities. */
export interface DefaultRequests {
  cpu?: string;
  memory?: string;
}

/** Node labels and taint keys that mean spot capacity when `spotTolerationKey` is not configured. */
export const WELL_KNOWN_SPOT_KEYS: readonly string[] = [
  'spot',
  'cloud.google.com/gke-spot',
  'karpenter.sh/capacity-type',
  'eks.amazonaws.com/capacityType',
  'kubernetes.azure.com/scalesetpriority',
];

const GIB = 2 ** 30;
const DEFAULT_DATABASE_STORAGE = '1Gi';

const cores = (q: string | undefined) => (q === undefined ? 0 : quantityValue(q) ?? 0);
const gib = (q: string | undefined) => (q === undefined ? 0 : (quantityValue(q) ?? 0) / GIB);

/**
 * Whether the spec targets spot nodes: a toleration with the spot key, or a
 * node selector with it as key (or, for `spot`, as a value such as `pool: spot`).
 */
export function targetsSpot(spec: Pick<PreviewSpec, 'tolerations' | 'nodeSelector'>, spotKey?: string): boolean {
  const keys = spotKey ? [spotKey] : WELL_KNOWN_SPOT_KEYS;
  if (spec.tolerations?.some(t => t.key !== undefined && keys.includes(t.key))) return true;
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (keys.includes(key) && !/^(false|on-demand|ondemand|regular)$/i.test(value)) return true;
    if (keys.includes(value)) return true;
  }
  return false;
}

/** The footprint of a spec. Pure. */
export function footprintOf(spec: PreviewSpec, defaults: DefaultRequests = {}, spotKey?: string): ResourceFootprint {
  const app = { cpuCores: 0, memoryGiB: 0 };
  for (const w of spec.workloads) {
    const replicas = w.replicas ?? 1;
    app.cpuCores += replicas * cores(w.resources?.requests?.cpu ?? defaults.cpu);
    app.memoryGiB += replicas * gib(w.resources?.requests?.memory ?? defaults.memory);
  }
  const databases = { cpuCores: 0, memoryGiB: 0 };
  let storageGiB = 0;
  const servers = spec.databases ?? {};
  for (const server of [servers.postgres, servers.redis, servers.mongodb]) {
    if (!server) continue;
    databases.cpuCores += cores(defaults.cpu);
    databases.memoryGiB += gib(defaults.memory);
  }
  if (servers.postgres) storageGiB += gib(servers.postgres.storage ?? DEFAULT_DATABASE_STORAGE);
  if (servers.mongodb) storageGiB += gib(servers.mongodb.storage ?? DEFAULT_DATABASE_STORAGE);
  return { app, databases, storageGiB, spot: targetsSpot(spec, spotKey) };
}
