import { Preview, PreviewDependency, PreviewDetails, PreviewSeedStatus, PreviewStatus } from '@backstage-previews/plugin-previews-common';
import type { PreviewDeployment, PreviewEngine, PreviewFollowUp } from '@backstage-previews/plugin-previews-node';

// The backend's domain types: what the use cases, features and stores
// exchange. Row types and their mappers are database/tables.ts.

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

/** Bookkeeping a stored preview carries for lifecycle and cost (not part of the API). */
export interface LifecycleBookkeeping {
  /** Owner group of its component at creation. */
  ownerRef?: string;
  /** Requested resources, priced into `cost`. */
  footprint?: ResourceFootprint;
}

/** The lifecycle of a new preview, written by the store's insert. */
export interface NewPreviewLifecycle {
  ttlExpiresAt: string;
  expiresAt?: string;
  maxExpiresAt: string;
  lastActivityAt: string;
  ownerRef?: string;
  footprint?: ResourceFootprint;
}

/** The CI check run a preview waits for before it is deployed. */
export interface PreviewBuildWait {
  /** Check run name, e.g. `build-image`. */
  check: string;
  /** Link to the check run (or the commit's checks), when known. */
  url?: string;
}

/** A preview as stored, with the bookkeeping the API does not show. */
export interface StoredPreview extends Preview, LifecycleBookkeeping {
  destroyStartedAt?: string;
  /** The GitHub Deployment that reports this preview, when there is one. */
  githubDeploymentId?: string;
  /** While `waiting-for-build`: the check it waits for. */
  waitingFor?: PreviewBuildWait;
  /** Seed generation of its database: a reseed bumps it (names the seed and migrate Jobs). */
  seedGeneration?: number;
}

/** Fields a status change may set besides the status. */
export interface PreviewStatusChange {
  status: PreviewStatus;
  statusMessage?: string | null;
  readyAt?: string;
  destroyedAt?: string;
  destroyStartedAt?: string;
  sha?: string;
  specSource?: string;
  details?: PreviewDetails;
  /** The CI check a `waiting-for-build` preview waits for (null clears it). */
  waitingFor?: PreviewBuildWait | null;
  /** Seed status of its database (issue 7). */
  seed?: PreviewSeedStatus;
  /** Seed generation (a reseed bumps it). */
  seedGeneration?: number;
}

/** A dependency as resolved for a deploy: what the API shows, and the staging URL it fell back to. */
export type ResolvedDependency = PreviewDependency & { stagingUrl?: string };

/**
 * What a deploy needs from dependency wiring: the URLs to inject, and
 * whether other previews must be rewired once it is applied.
 */
export interface DeployDependencies {
  prepare(deployment: PreviewDeployment, engine: Pick<PreviewEngine, 'serviceUrlOf'>): Promise<{ env: NonNullable<PreviewDeployment['dependencies']>; reachableChanged: boolean } | undefined>;
  /** After a deploy that changed how the preview is reached: redeploys the previews that should now use it. */
  wireDependents(previewId: string, followUp: PreviewFollowUp): Promise<void>;
}
