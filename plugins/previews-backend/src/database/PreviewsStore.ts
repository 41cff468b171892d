import {
  Preview,
  PreviewStatus,
  PreviewTestRun,
  PreviewTestStatus,
} from '@backstage-previews/plugin-previews-common';
import type { PreviewTestPlan } from '@backstage-previews/plugin-previews-node';
import type {
  ExpiryWrite,
  LiveLifecycle,
  NewPreviewLifecycle,
  PreviewBuildWait,
  PreviewStatusChange,
  ResolvedDependency,
  ResourceFootprint,
  StoredExpiry,
  StoredPreview,
  WiringPreview,
} from '../types';

/** A preview to record: what the API shows, with what is only stored. */
export type NewPreviewRecord = Omit<Preview, 'createdAt' | 'updatedAt'> & {
  createdAt?: string;
  waitingFor?: PreviewBuildWait;
  /** Expiry, activity, owner and footprint. */
  lifecycle?: NewPreviewLifecycle;
  /** The GitHub host of `repo`. */
  repoHost?: string;
  /** The tests of the spec deployed (see `tests`). */
  testPlan?: PreviewTestPlan;
};

/** Conditions a status change checks in the same statement as the status (compare-and-set). */
export interface TransitionGuard {
  /** The stored expiry is at or before this time (the reaper: an extend or keep since its list wins). */
  expiredBy?: Date;
  /** The seed generation is still this one (a reseed since the caller read the preview wins). */
  seedGeneration?: number;
}

/** Which live previews dependency wiring asks for (all given conditions hold). */
export interface WiringFilter {
  /** Previews of these components (compared without case). */
  entityRefs?: string[];
  branch?: string;
  group?: string;
  ids?: string[];
}

/**
 * The `previews` table: the only way to it. One knex class implements it
 * (DatabasePreviewsStore); each feature calls the methods named for it.
 */
export interface PreviewsStore {
  // The record and its status.

  /** Records a new live preview. Throws ConflictError when the component already has a live preview of this branch. */
  insert(preview: NewPreviewRecord): Promise<StoredPreview>;
  get(id: string): Promise<StoredPreview | undefined>;
  findLive(
    entityRef: string,
    branch: string,
  ): Promise<StoredPreview | undefined>;
  /** The live preview with this name (names are unique among live previews). */
  findLiveByName(
    name: string,
    cluster?: string,
  ): Promise<StoredPreview | undefined>;
  list(filter: {
    entityRef?: string;
    statuses?: readonly PreviewStatus[];
  }): Promise<StoredPreview[]>;
  /**
   * Changes the status only if the preview is still in one of `from`
   * (compare-and-set, so concurrent writers cannot undo each other).
   * Returns the updated preview, or undefined when nothing changed.
   */
  transition(
    id: string,
    from: readonly PreviewStatus[],
    change: PreviewStatusChange,
    guard?: TransitionGuard,
  ): Promise<StoredPreview | undefined>;
  // Smoke tests.

  /** The tests of the spec last deployed (what a run starts). */
  testPlanOf(id: string): Promise<PreviewTestPlan | undefined>;
  /**
   * Replaces the latest test run only while the stored one is still run
   * `expected.run` in one of `expected.statuses` (compare-and-set: one
   * replica starts a run, a new rollout's run is never overwritten by an
   * old one's results). Undefined when nothing changed.
   */
  updateTests(
    id: string,
    expected: { run: number; statuses: readonly PreviewTestStatus[] },
    tests: PreviewTestRun,
  ): Promise<StoredPreview | undefined>;
  /** Removes a record that never got any object in a cluster. */
  deleteUnprovisioned(id: string): Promise<void>;

  // GitHub.

  /** Live previews of a pull request: owner and name compared without case, the host must match (rows without one are the default host's). */
  listLiveByPullRequest(
    repo: { host: string; fullName: string },
    prNumber: number,
    defaultHost: string,
  ): Promise<StoredPreview[]>;
  /** Remembers the GitHub Deployment that reports a preview. */
  setGithubDeploymentId(id: string, deploymentId: string): Promise<void>;

  // Lifecycle.

  /**
   * Changes one live preview's expiry in a transaction (the row locked on
   * Postgres): `change` gets what is stored and returns what to store, or
   * undefined to leave it. Returns undefined when the preview is not live.
   */
  modifyExpiry(
    id: string,
    change: (stored: StoredExpiry) => ExpiryWrite | undefined,
  ): Promise<StoredExpiry | undefined>;
  /** Every live preview with its lifecycle, oldest first. */
  listLiveLifecycles(): Promise<LiveLifecycle[]>;
  /** Live previews of a pull request (ids), by `owner/name` without case. */
  liveIdsOfPullRequest(repo: string, number: number): Promise<string[]>;
  /** Claims the expiry warning of a preview: true for exactly one caller, whichever replica or run gets here first. */
  claimExpiryWarning(id: string, now: Date): Promise<boolean>;
  /** Stores the resources a preview requests (after a deploy from a new spec). */
  setFootprint(id: string, footprint: ResourceFootprint): Promise<void>;

  // Dependency wiring.

  /** Records what the last deploy resolved and how others reach the preview. */
  setResolvedDependencies(
    id: string,
    resolved: ResolvedDependency[],
    serviceUrl: string | undefined,
  ): Promise<void>;
  /** Replaces the resolved dependencies only (nothing was deployed). */
  updateResolvedDependencies(
    id: string,
    resolved: ResolvedDependency[],
  ): Promise<void>;
  /** Live previews as dependency wiring sees them, newest first. */
  liveForWiring(filter?: WiringFilter): Promise<WiringPreview[]>;
  /** Any previews (live or not) by id, for resolving routes. */
  wiringFactsByIds(ids: string[]): Promise<WiringPreview[]>;
  /** Ids of live previews whose resolved dependencies mention a preview (a text match: callers check). */
  liveIdsMentioning(previewId: string): Promise<string[]>;
  /** Sets the group of a branch's live previews: the branch for members, none for the others. */
  setDependencyGroup(branch: string, members: Set<string>): Promise<void>;
  /** Clears the group of a preview that is gone. */
  clearDependencyGroup(id: string): Promise<void>;
}
