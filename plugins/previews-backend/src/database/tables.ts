import {
  PreviewDependency,
  PreviewSeedStatus,
  PreviewStatus,
  PreviewTestRun,
  PreviewTimeline,
} from '@backstage-previews/plugin-previews-common';
import type { PreviewTestPlan } from '@backstage-previews/plugin-previews-node';
import {
  PreviewDetails,
  PreviewShareLink,
} from '@backstage-previews/plugin-previews-common';
import type {
  DependencyRoute,
  LiveLifecycle,
  NewPreviewLifecycle,
  ResolvedDependency,
  ResourceFootprint,
  StoredExpiry,
  StoredPreview,
  WiringPreview,
} from '../types';

// Every row type of the previews table, and how its columns map to a
// preview's fields. The stores read and write rows only through these.

export interface PreviewRow
  extends LifecycleRow,
    DependencyRow,
    SeedRow,
    TestsRow,
    TimelineRow {
  id: string;
  entity_ref: string;
  branch: string;
  engine: string;
  name: string;
  namespace: string;
  status: PreviewStatus;
  status_message: string | null;
  url: string | null;
  created_by: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  ready_at: string | Date | null;
  destroyed_at: string | Date | null;
  live_key: string | null;
  sha: string | null;
  cluster: string | null;
  spec_source: string | null;
  details: string | null;
  destroy_started_at: string | Date | null;
  pr_number?: number | null;
  pr_title?: string | null;
  pr_url?: string | null;
  repo?: string | null;
  repo_host?: string | null;
  trigger?: string | null;
  github_deployment_id?: string | null;
  wait_check?: string | null;
  wait_check_url?: string | null;
}

/**
 * The lifecycle columns of the previews table (migration 20261122g) and how
 * they map to a preview: kept separate so the store only spreads them in.
 */
export interface LifecycleRow {
  ttl_expires_at?: string | Date | null;
  expires_at?: string | Date | null;
  max_expires_at?: string | Date | null;
  extended_until?: string | Date | null;
  keep?: boolean | number | null;
  keep_label?: boolean | number | null;
  last_activity_at?: string | Date | null;
  warned_at?: string | Date | null;
  owner_ref?: string | null;
  resources?: string | null;
}
const iso = (v: string | Date) =>
  (v instanceof Date ? v : new Date(v)).toISOString();

export function lifecycleColumns(
  lifecycle: NewPreviewLifecycle | undefined,
): LifecycleRow {
  if (!lifecycle) return {};
  return {
    ttl_expires_at: lifecycle.ttlExpiresAt,
    expires_at: lifecycle.expiresAt ?? null,
    max_expires_at: lifecycle.maxExpiresAt,
    last_activity_at: lifecycle.lastActivityAt,
    keep: false,
    keep_label: false,
    owner_ref: lifecycle.ownerRef?.slice(0, 255) ?? null,
    resources: lifecycle.footprint ? JSON.stringify(lifecycle.footprint) : null,
  };
}

function parseFootprint(
  text: string | null | undefined,
): ResourceFootprint | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API fields (expiresAt, maxExpiresAt, keep, lastActivityAt) and bookkeeping of a row. */
export function lifecycleFields(row: LifecycleRow) {
  const keep = Boolean(row.keep) || Boolean(row.keep_label);
  const footprint = parseFootprint(row.resources);
  return {
    ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
    ...(row.max_expires_at ? { maxExpiresAt: iso(row.max_expires_at) } : {}),
    ...(row.ttl_expires_at ? { keep } : {}),
    ...(row.last_activity_at
      ? { lastActivityAt: iso(row.last_activity_at) }
      : {}),
    ...(row.owner_ref ? { ownerRef: row.owner_ref } : {}),
    ...(footprint ? { footprint } : {}),
  };
}

/**
 * The dependency columns of the previews table (migration 20261122e) and
 * how they map to a preview: kept separate so the store only spreads them in.
 */
export interface DependencyRow {
  dependencies?: string | null;
  dependency_group?: string | null;
  service_url?: string | null;
}

/** The stored resolved dependencies, with their staging URLs. */
export function parseResolvedDependencies(
  text: string | null | undefined,
): ResolvedDependency[] | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The API fields of a row: `dependencies` (without the bookkeeping) and `group`. */
export function dependencyFields(row: DependencyRow): {
  dependencies?: PreviewDependency[];
  group?: string;
} {
  const resolved = parseResolvedDependencies(row.dependencies);
  return {
    ...(resolved
      ? {
          dependencies: resolved.map(
            ({ stagingUrl: _stagingUrl, ...dependency }) => dependency,
          ),
        }
      : {}),
    ...(row.dependency_group ? { group: row.dependency_group } : {}),
  };
}

/**
 * The seed columns of the previews table (migration 20261122f) and how they
 * map to a preview: kept separate so the store only spreads them in.
 */
export interface SeedRow {
  seed?: string | null;
  seed_generation?: number | null;
}

/** What a preview without a database (or from before databases) shows. */
export const NO_SEED: PreviewSeedStatus = { phase: 'none' };

function parseSeed(
  text: string | null | undefined,
): PreviewSeedStatus | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value.phase === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `seed` (every preview has one) and the bookkeeping `seedGeneration` of a row. */
export function seedFields(row: SeedRow): {
  seed: PreviewSeedStatus;
  seedGeneration: number;
} {
  return {
    seed: parseSeed(row.seed) ?? { ...NO_SEED },
    seedGeneration: Number(row.seed_generation ?? 1) || 1,
  };
}

/** Columns for a seed status and generation (those given). */
export function seedColumns(change: {
  seed?: PreviewSeedStatus;
  seedGeneration?: number;
}): SeedRow {
  return {
    ...(change.seed ? { seed: JSON.stringify(change.seed) } : {}),
    ...(change.seedGeneration !== undefined
      ? { seed_generation: change.seedGeneration }
      : {}),
  };
}

/**
 * The smoke test columns of the previews table (migration 20261204): the
 * latest run as JSON, its number and status as columns (compare-and-set),
 * and the tests of the spec deployed.
 */
export interface TestsRow {
  tests?: string | null;
  tests_run?: number | null;
  tests_status?: string | null;
  test_plan?: string | null;
}

function parseJson<T>(
  text: string | null | undefined,
  valid: (value: any) => boolean,
): T | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `tests`: the latest run, when the spec has tests. */
export function testsFields(row: TestsRow): { tests?: PreviewTestRun } {
  const tests = parseJson<PreviewTestRun>(
    row.tests,
    v => v && typeof v.run === 'number' && Array.isArray(v.results),
  );
  return tests ? { tests } : {};
}

/** The tests of the spec deployed, with where they may run (what a run starts). */
export function parseTestPlan(row: TestsRow): PreviewTestPlan | undefined {
  return parseJson<PreviewTestPlan>(
    row.test_plan,
    v => v && Array.isArray(v.tests),
  );
}

/** Columns for a run (null: the spec has no tests) and the spec's tests, those given. */
export function testsColumns(change: {
  tests?: PreviewTestRun | null;
  testPlan?: PreviewTestPlan | null;
}): TestsRow {
  const row: TestsRow = {};
  if (change.tests !== undefined) {
    row.tests = change.tests ? JSON.stringify(change.tests) : null;
    row.tests_run = change.tests?.run ?? null;
    row.tests_status = change.tests?.status ?? null;
  }
  if (change.testPlan !== undefined)
    row.test_plan = change.testPlan?.tests.length
      ? JSON.stringify(change.testPlan)
      : null;
  return row;
}

/** The timeline column of the previews table (migration 20261204b): the latest rollout's phases as JSON. */
export interface TimelineRow {
  timeline?: string | null;
}

/** `timeline`: the latest rollout's phases, when one was recorded. */
export function timelineFields(row: TimelineRow): {
  timeline?: PreviewTimeline;
} {
  const timeline = parseJson<PreviewTimeline>(
    row.timeline,
    v =>
      v &&
      typeof v.startedAt === 'string' &&
      v.phases &&
      typeof v.phases === 'object',
  );
  return timeline ? { timeline } : {};
}

/** The column for a timeline (null: none), when given. */
export function timelineColumns(change: {
  timeline?: PreviewTimeline | null;
}): TimelineRow {
  return change.timeline === undefined
    ? {}
    : { timeline: change.timeline ? JSON.stringify(change.timeline) : null };
}

/** `preview_dependency_routes`: where a user (or a fallback) pointed one dependency of a preview. */
export interface RouteRow {
  preview_id: string;
  dependency_ref: string;
  target_preview_id: string | null;
  explicit: boolean | number;
  message: string | null;
  updated_at: string | Date;
}

/** The columns of `previews` dependency wiring reads. */
export interface WiringRow {
  id: string;
  name: string;
  entity_ref: string;
  branch: string;
  status: PreviewStatus;
  service_url: string | null;
  cluster: string | null;
  url: string | null;
  dependencies?: string | null;
  dependency_group?: string | null;
}

/** `previews_github_pull_requests`: the last state seen of each pull request. */
export interface PullRequestRow {
  /** `host/owner/name`, lower case (see pullRequestKey); rows written before the host was part of it hold `owner/name` as the event spelled it. */
  repo: string;
  number: number;
  state: string;
  head_sha: string | null;
  pr_updated_at: string | null;
  labels: string | null;
}

/** `preview_events`: each preview's history. */
export interface PreviewEventRow {
  seq?: number;
  preview_id: string;
  at: string | Date;
  type: string;
  actor: string | null;
  message: string;
}

export interface ShareLinkRow {
  id: string;
  preview_id: string;
  created_by: string;
  created_at: string | Date;
  expires_at: string | Date;
  note: string | null;
  revoked_at: string | Date | null;
  revoked_by: string | null;
}

export interface BypassTokenRow {
  preview_id: string;
  token_sha256: string;
  rotated_by: string;
  rotated_at: string | Date;
}

export interface AccessKeyRow {
  name: string;
  secret: string;
  created_at: string | Date;
}

export function toShareLink(row: ShareLinkRow): PreviewShareLink {
  return {
    id: row.id,
    previewId: row.preview_id,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    ...(row.note ? { note: row.note } : {}),
    ...(row.revoked_at ? { revokedAt: iso(row.revoked_at) } : {}),
    ...(row.revoked_by ? { revokedBy: row.revoked_by } : {}),
  };
}

/** The columns of `previews` the lifecycle reads. */
export interface LifecycleListRow extends LifecycleRow {
  id: string;
  name: string;
  namespace?: string | null;
  entity_ref: string;
  engine: string;
  status: PreviewStatus;
  trigger?: string | null;
  repo?: string | null;
  pr_number?: number | null;
  created_by?: string | null;
  created_at: string | Date;
  live_key?: string | null;
}

/** A row as a stored preview (what the API shows, and the bookkeeping). */
export function toStoredPreview(row: PreviewRow): StoredPreview {
  const details = parseDetails(row.details);
  return {
    id: row.id,
    entityRef: row.entity_ref,
    branch: row.branch,
    engine: row.engine,
    name: row.name,
    namespace: row.namespace,
    status: row.status,
    ...(row.status_message ? { statusMessage: row.status_message } : {}),
    ...(row.url ? { url: row.url } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    ...(row.ready_at ? { readyAt: iso(row.ready_at) } : {}),
    ...(row.destroyed_at ? { destroyedAt: iso(row.destroyed_at) } : {}),
    ...(row.sha ? { sha: row.sha } : {}),
    ...(row.cluster ? { cluster: row.cluster } : {}),
    ...(row.spec_source ? { specSource: row.spec_source } : {}),
    ...(details ? { details } : {}),
    ...(row.destroy_started_at
      ? { destroyStartedAt: iso(row.destroy_started_at) }
      : {}),
    ...(row.pr_number
      ? {
          pullRequest: {
            number: Number(row.pr_number),
            ...(row.pr_title ? { title: row.pr_title } : {}),
            ...(row.pr_url ? { url: row.pr_url } : {}),
          },
        }
      : {}),
    ...(row.repo ? { repo: row.repo } : {}),
    ...(row.trigger === 'portal' || row.trigger === 'label'
      ? { trigger: row.trigger }
      : {}),
    ...(row.github_deployment_id
      ? { githubDeploymentId: row.github_deployment_id }
      : {}),
    ...(row.wait_check
      ? {
          waitingFor: {
            check: row.wait_check,
            ...(row.wait_check_url ? { url: row.wait_check_url } : {}),
          },
        }
      : {}),
    ...lifecycleFields(row),
    ...dependencyFields(row),
    ...seedFields(row),
    ...testsFields(row),
    ...timelineFields(row),
  };
}

function parseDetails(text: string | null): PreviewDetails | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isoOrUndefined = (v: string | Date | null | undefined) =>
  v ? iso(v) : undefined;

/** A row as the reaper sees it. */
export function toLiveLifecycle(row: LifecycleListRow): LiveLifecycle {
  return {
    id: row.id,
    name: row.name,
    ...(row.namespace ? { namespace: row.namespace } : {}),
    entityRef: row.entity_ref,
    engine: row.engine,
    status: row.status,
    ...(row.trigger === 'label' || row.trigger === 'portal'
      ? { trigger: row.trigger }
      : {}),
    ...(row.repo ? { repo: row.repo } : {}),
    ...(row.pr_number ? { prNumber: Number(row.pr_number) } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    ...(row.owner_ref ? { ownerRef: row.owner_ref } : {}),
    createdAt: iso(row.created_at),
    expiresAt: isoOrUndefined(row.expires_at),
    warnedAt: isoOrUndefined(row.warned_at),
    lastActivityAt: isoOrUndefined(row.last_activity_at),
    keep: Boolean(row.keep),
    keepLabel: Boolean(row.keep_label),
  };
}

/** The stored expiry of a row (deadlines missing on rows from before the lifecycle columns). */
export function toStoredExpiry(row: LifecycleListRow): StoredExpiry {
  return {
    createdAt: iso(row.created_at),
    ...(row.ttl_expires_at ? { ttlExpiresAt: iso(row.ttl_expires_at) } : {}),
    ...(row.max_expires_at ? { maxExpiresAt: iso(row.max_expires_at) } : {}),
    ...(row.extended_until ? { extendedUntil: iso(row.extended_until) } : {}),
    keep: Boolean(row.keep),
    keepLabel: Boolean(row.keep_label),
    ...(row.last_activity_at
      ? { lastActivityAt: iso(row.last_activity_at) }
      : {}),
  };
}

/** A row as dependency wiring sees it. */
export function toWiringPreview(row: WiringRow): WiringPreview {
  return {
    id: row.id,
    name: row.name,
    entityRef: row.entity_ref,
    branch: row.branch,
    status: row.status,
    ...(row.service_url ? { serviceUrl: row.service_url } : {}),
    ...(row.cluster ? { cluster: row.cluster } : {}),
    ...(row.url ? { publicUrl: row.url } : {}),
    ...(row.dependencies
      ? { dependencies: parseResolvedDependencies(row.dependencies) }
      : {}),
    ...(row.dependency_group ? { group: row.dependency_group } : {}),
  };
}

/** A routes row as the route it stores. */
export function toDependencyRoute(row: RouteRow): DependencyRoute {
  return {
    dependencyRef: row.dependency_ref,
    ...(row.target_preview_id
      ? { targetPreviewId: row.target_preview_id }
      : {}),
    explicit: Boolean(row.explicit),
    ...(row.message ? { message: row.message } : {}),
  };
}
