// Generated from plugins/previews-backend/src/schema/openapi.yaml by `yarn openapi:generate`: do not edit.

export interface ErrorResponse {
  error: {
    name: string;
    message: string;
  };
  request?: {
    method: string;
    url: string;
  };
  response: {
    statusCode: number;
  };
}

export type EmptyRequest = Record<string, never>;

/** A branch (and its head commit), or a pull request (its head branch and commit). */
export interface CreatePreviewRequest {
  /** The component, e.g. component:default/shop. */
  entityRef: string;
  /** A git branch name (checked against git's rules). */
  branch?: string;
  sha?: CommitSha;
  /** An open pull request of the component's repository. */
  pullRequest?: number;
}

export interface RedeployPreviewRequest {
  sha?: CommitSha;
}

export interface ExtendPreviewRequest {
  /** Hours added to the expiry (at most the maximum lifetime, a setting). */
  hours: number;
}

export interface KeepPreviewRequest {
  keep: boolean;
}

export interface BulkDestroyRequest {
  ids: PreviewId[];
}

export interface RerouteDependencyRequest {
  target: 'staging' | 'preview';
  /** Required when target is preview. */
  previewId?: string;
}

/** A commit id (SHA-1 or SHA-256). */
export type CommitSha = string;

export type PreviewId = string;

export type PreviewStatus = 'waiting-for-build' | 'provisioning' | 'ready' | 'degraded' | 'sleeping' | 'failed' | 'destroying' | 'destroyed';

export interface PreviewPullRequest {
  number: number;
  title?: string;
  url?: string;
}

export interface PreviewWarning {
  reason: string;
  message: string;
  object: string;
  at?: string;
  count?: number;
}

export interface PreviewDetails {
  podsReady: number;
  podsTotal: number;
  restarts: number;
  warnings: PreviewWarning[];
  blockers?: string[];
}

export interface PreviewDependency {
  entityRef: string;
  env: string;
  target: 'staging' | 'preview' | 'unresolved';
  url?: string;
  previewId?: string;
  previewName?: string;
  branch?: string;
  message?: string;
}

export interface PreviewSeedStatus {
  phase: 'none' | 'pending' | 'seeding' | 'migrating' | 'ready' | 'failed';
  generation?: number;
  failedStep?: 'seeding' | 'migrating';
  version?: string;
  message?: string;
  seedSeconds?: number;
  migrateSeconds?: number;
  logTail?: string[];
}

export interface PreviewCost {
  perHour: number;
  remaining?: number;
  currency: string;
}

export interface PreviewLink {
  title: string;
  url: string;
}

export interface Preview {
  id: string;
  /** The component, e.g. component:default/shop. */
  entityRef: string;
  branch: string;
  /** The engine that runs it, e.g. kubernetes. */
  engine: string;
  name: string;
  namespace: string;
  status: PreviewStatus;
  statusMessage?: string;
  url?: string;
  sha?: string;
  cluster?: string;
  specSource?: string;
  details?: PreviewDetails;
  createdBy?: string;
  pullRequest?: PreviewPullRequest;
  repo?: string;
  trigger?: 'portal' | 'label';
  createdAt: string;
  updatedAt: string;
  readyAt?: string;
  destroyedAt?: string;
  expiresAt?: string;
  maxExpiresAt?: string;
  lastActivityAt?: string;
  links?: PreviewLink[];
  engineTitle?: string;
  expiringSoon?: boolean;
  dependencies?: PreviewDependency[];
  group?: string;
  seed?: PreviewSeedStatus;
  tests?: PreviewTestRun;
  timeline?: PreviewTimeline;
  keep?: boolean;
  cost?: PreviewCost;
}

export interface PreviewList {
  items: Preview[];
}

export interface PreviewGroup {
  branch: string;
  items: Preview[];
}

export interface BranchPickerItem {
  kind: 'branch' | 'pullRequest';
  branch: string;
  sha?: string;
  number?: number;
  title?: string;
  draft?: boolean;
  url?: string;
  author?: {
    login: string;
    avatarUrl?: string;
  };
  labels?: string[];
}

export interface ListBranchesResponse {
  items: BranchPickerItem[];
  hasMore: boolean;
  page: number;
}

export interface PreviewDependencyTargetOption {
  target: 'staging' | 'preview';
  url?: string;
  previewId?: string;
  name?: string;
  branch?: string;
  pullRequest?: PreviewPullRequest;
  status?: PreviewStatus;
}

export interface ListDependencyTargetsResponse {
  items: PreviewDependencyTargetOption[];
}

export interface PreviewsSummaryGroup {
  ref: string;
  live: number;
  costPerHour: number;
  oldest?: string;
  expiringSoon: number;
  phases?: PreviewsSummaryPhases;
}

export interface PreviewsSummary {
  total: PreviewsSummaryGroup;
  byComponent: PreviewsSummaryGroup[];
  byOwner: PreviewsSummaryGroup[];
  currency: string;
}

export interface PreviewEvent {
  at: string;
  type: string;
  actor?: string;
  message: string;
}

export interface ListPreviewEventsResponse {
  items: PreviewEvent[];
  nextCursor?: string;
}

export interface ManagedObjectSet {
  name: string;
  previewId?: string;
  installation?: string;
  cluster?: string;
  createdAt?: string;
}

export interface OrphanSweepReport {
  dryRun: boolean;
  installationId: string;
  orphans: ManagedObjectSet[];
  deleted: string[];
  errors: string[];
  refused?: string;
}

export interface Health {
  status: 'ok';
}

export interface OpenPreviewResponse {
  url: string;
  expiresAt?: string;
}

export interface CreateShareLinkRequest {
  /** How long it works; never past the preview's expiry. */
  hours?: number;
  /** Who it is for. */
  note?: string;
}

export interface PreviewShareLink {
  id: string;
  previewId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  note?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** A PreviewShareLink and its URL. */
export interface CreatedPreviewShareLink {
  id: string;
  previewId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  note?: string;
  /** The link, with its token: shown this once. */
  url: string;
}

export interface ListPreviewShareLinksResponse {
  items: PreviewShareLink[];
}

export interface PreviewBypassToken {
  header: string;
  token: string;
  rotatedAt: string;
}

export interface PreviewContainer {
  name: string;
  init: boolean;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  reason?: string;
  exitCode?: number;
  restarts: number;
  ready: boolean;
  hasPrevious: boolean;
}

export interface PreviewPod {
  name: string;
  role: 'workload' | 'seed' | 'test' | 'database' | 'other';
  of?: string;
  phase: string;
  createdAt?: string;
  containers: PreviewContainer[];
}

export interface ListPreviewPodsResponse {
  items: PreviewPod[];
}

export interface PreviewClusterEvent {
  at: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
}

export interface ListPreviewClusterEventsResponse {
  items: PreviewClusterEvent[];
}

export interface RestartedWorkload {
  workload: string;
  restartedAt: string;
}

export type PreviewTestStatus = 'pending' | 'running' | 'passed' | 'failed';

export interface PreviewTestResult {
  name: string;
  status: PreviewTestStatus;
  message?: string;
  pod?: string;
  container?: string;
  seconds?: number;
}

export interface PreviewTestRun {
  run: number;
  status: PreviewTestStatus;
  trigger: 'create' | 'redeploy' | 'reseed' | 'rerun';
  sha?: string;
  startedAt?: string;
  finishedAt?: string;
  results: PreviewTestResult[];
}

/** Seconds per phase; a phase the rollout did not go through (or has not finished) is absent. */
export interface PreviewTimelinePhases {
  queued?: number;
  scheduled?: number;
  imagePulled?: number;
  seed?: number;
  migrate?: number;
  ready?: number;
  tests?: number;
}

export interface PreviewTimeline {
  trigger: 'create' | 'redeploy' | 'reseed' | 'wake';
  startedAt: string;
  phases: PreviewTimelinePhases;
  readySeconds?: number;
}

export interface PreviewPhaseStats {
  p50: number;
  p95: number;
  count: number;
}

export interface PreviewsSummaryPhases {
  queued?: PreviewPhaseStats;
  scheduled?: PreviewPhaseStats;
  imagePulled?: PreviewPhaseStats;
  seed?: PreviewPhaseStats;
  migrate?: PreviewPhaseStats;
  ready?: PreviewPhaseStats;
  tests?: PreviewPhaseStats;
}
