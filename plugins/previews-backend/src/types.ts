import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Preview,
  PreviewDependency,
  PreviewPullRequest,
  PreviewDetails,
  PreviewSeedStatus,
  PreviewStatus,
  PreviewTestRun,
  PreviewTimeline,
} from '@backstage-previews/plugin-previews-common';
import type {
  PreviewDeployment,
  PreviewEngine,
  PreviewFollowUp,
  PreviewTestPlan,
} from '@backstage-previews/plugin-previews-node';

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
  /** A new smoke test run (null: the spec has no tests). */
  tests?: PreviewTestRun | null;
  /** The tests of the spec deployed. */
  testPlan?: PreviewTestPlan | null;
  /** A rollout's timeline: its start, or the phases observed since (null: none). */
  timeline?: PreviewTimeline | null;
}

/** A dependency as resolved for a deploy: what the API shows, and the staging URL it fell back to. */
export type ResolvedDependency = PreviewDependency & { stagingUrl?: string };

/**
 * What a deploy needs from dependency wiring: the URLs to inject, and
 * whether other previews must be rewired once it is applied.
 */
export interface DeployDependencies {
  prepare(
    deployment: PreviewDeployment,
    engine: Pick<PreviewEngine, 'serviceUrlOf'>,
  ): Promise<
    | {
        env: NonNullable<PreviewDeployment['dependencies']>;
        reachableChanged: boolean;
      }
    | undefined
  >;
  /** After a deploy that changed how the preview is reached: redeploys the previews that should now use it. */
  wireDependents(previewId: string, followUp: PreviewFollowUp): Promise<void>;
}

/** Where one dependency of a preview points (table preview_dependency_routes). */
export interface DependencyRoute {
  dependencyRef: string;
  /** A preview of the dependency; none: staging. */
  targetPreviewId?: string;
  /** Chosen by a user (not by branch grouping nor by a fallback). */
  explicit: boolean;
  /** Notice kept with the route, e.g. why it fell back to staging. */
  message?: string;
}

/** A preview of a dependency component that could be a target. */
export interface DependencyPreviewFacts {
  id: string;
  name: string;
  entityRef: string;
  branch: string;
  status: PreviewStatus;
  /** How other previews reach it in the cluster, when known. */
  serviceUrl?: string;
  /** Its cluster (the default cluster when unset). */
  cluster?: string;
  /** Its public URL, for previews in other clusters. */
  publicUrl?: string;
}

/** A live preview as dependency wiring sees it. */
export interface WiringPreview extends DependencyPreviewFacts {
  dependencies?: ResolvedDependency[];
  group?: string;
}

/** What the reaper needs to know of a live preview. */
export interface LiveLifecycle {
  id: string;
  name: string;
  /** Its namespace (for the Kubernetes engine), e.g. to read its ingress traffic. */
  namespace?: string;
  entityRef: string;
  engine: string;
  status: PreviewStatus;
  trigger?: 'portal' | 'label';
  repo?: string;
  prNumber?: number;
  createdBy?: string;
  ownerRef?: string;
  createdAt: string;
  expiresAt?: string;
  warnedAt?: string;
  lastActivityAt?: string;
  keep: boolean;
  keepLabel: boolean;
}

/**
 * A live preview's expiry as stored. Previews from before the lifecycle
 * columns have no deadlines stored; the lifecycle gives them its defaults.
 */
export interface StoredExpiry {
  createdAt: string;
  ttlExpiresAt?: string;
  maxExpiresAt?: string;
  extendedUntil?: string;
  keep: boolean;
  keepLabel: boolean;
  lastActivityAt?: string;
}

/** A new expiry state to store, with the effective deadline everyone reads. */
export interface ExpiryWrite {
  ttlExpiresAt: string;
  maxExpiresAt: string;
  extendedUntil?: string;
  keep: boolean;
  keepLabel: boolean;
  lastActivityAt: string;
  /** The effective expiry (none: kept without a limit). */
  expiresAt?: string;
  /** Clears the warning mark, so the expiry warning may go out again. */
  resetWarning: boolean;
}

/** What `create` is asked: from the router (a user) or the GitHub integration (a pull request). */
export interface CreatePreviewRequest {
  entityRef: unknown;
  branch: unknown;
  sha?: unknown;
  credentials: BackstageCredentials;
  createdBy?: string;
  /** Set by the GitHub integration: the pull request, its repository, what created it. */
  pullRequest?: PreviewPullRequest;
  repo?: string;
  /** The GitHub host of `repo`. */
  repoHost?: string;
  trigger?: 'portal' | 'label';
  /**
   * Set by the GitHub integration when the commit's required check has not
   * succeeded yet: the preview is recorded `waiting-for-build` and nothing
   * is deployed until `onBuildCheck` reports the check's success.
   */
  waitFor?: PreviewBuildWait;
}
