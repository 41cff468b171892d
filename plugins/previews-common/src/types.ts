/**
 * The life of a preview:
 * provisioning → ready → destroying → destroyed; `degraded` while its
 * workloads run but do not work (crash loop, image pull errors, rollout past
 * its deadline); `failed` when it could not be deployed or its namespace
 * vanished; `waiting-for-build` (before provisioning) while a required CI
 * check of its commit has not succeeded yet; `sleeping` while its workloads
 * are scaled to zero (databases stay) until woken. Any live preview can be
 * destroyed.
 *
 * @public
 */
export type PreviewStatus =
  | 'waiting-for-build'
  | 'provisioning'
  | 'ready'
  | 'degraded'
  | 'sleeping'
  | 'failed'
  | 'destroying'
  | 'destroyed';

/** Statuses in which a preview still owns objects in the cluster. @public */
export const LIVE_PREVIEW_STATUSES: readonly PreviewStatus[] = [
  'waiting-for-build',
  'provisioning',
  'ready',
  'degraded',
  'sleeping',
  'failed',
  'destroying',
];

/** A recent Kubernetes warning event in a preview's namespace. @public */
export interface PreviewWarning {
  reason: string;
  message: string;
  /** e.g. `Pod/web-5d8f-abcde` */
  object: string;
  /** ISO 8601 */
  at?: string;
  count?: number;
}

/** What the UI shows about a preview's workloads, from the cluster. @public */
export interface PreviewDetails {
  podsReady: number;
  podsTotal: number;
  restarts: number;
  /** Most recent first, at most five. */
  warnings: PreviewWarning[];
  /** While destroying: what keeps the namespace from going away. */
  blockers?: string[];
}

/** Statuses that change without user action, so a UI should keep refreshing. @public */
export const TRANSITIONAL_PREVIEW_STATUSES: readonly PreviewStatus[] = [
  'waiting-for-build',
  'provisioning',
  'destroying',
];

/** One preview environment of one component at one branch. @public */
export interface Preview {
  /** Opaque id (uuid). */
  id: string;
  /** The catalog component, e.g. `component:default/shop-frontend`. */
  entityRef: string;
  branch: string;
  /** The engine that runs it, e.g. `kubernetes`. */
  engine: string;
  /** The preview's name: DNS-1123 label, also its namespace for the Kubernetes engine. */
  name: string;
  namespace: string;
  status: PreviewStatus;
  /** Why the preview is in its status, e.g. the reason for `failed`. */
  statusMessage?: string;
  /** Where the preview can be opened. */
  url?: string;
  /** Head commit last deployed, when known. */
  sha?: string;
  /** Cluster the preview runs in (engine-specific; the default cluster when unset). */
  cluster?: string;
  /** Where the spec came from, e.g. `repo file .backstage/preview.yaml@main`. */
  specSource?: string;
  /** Workload details from the cluster. */
  details?: PreviewDetails;
  /** Entity ref of the user who created it. */
  createdBy?: string;
  /** The pull request this preview belongs to, when it was created for one. */
  pullRequest?: PreviewPullRequest;
  /** Repository `owner/name` the branch is in, when known. */
  repo?: string;
  /** What created it: a user in the portal or a pull request label. */
  trigger?: 'portal' | 'label';
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  readyAt?: string;
  destroyedAt?: string;
  /** Links about the preview from its engine, e.g. the Argo CD UI (not stored). */
  links?: Array<{ title: string; url: string }>;
  /** How its engine names itself to users, e.g. `Argo CD` (not stored). */
  engineTitle?: string;
  /**
   * Whether it expires within the warning window
   * (`previews.lifecycle.warningHours`): the one rule behind the portal's
   * warning colour and filter, the summary's count and the expiry warning.
   */
  expiringSoon?: boolean;
  /** Its dependencies and where each points (issue 6). */
  dependencies?: PreviewDependency[];
  /** Branch name shared with previews of other components that are wired to each other. */
  group?: string;
  /** Seed status of its database (issue 7); absent or `none` without a database. */
  seed?: PreviewSeedStatus;
  /** ISO 8601: when the reaper destroys it (absent while kept without a bound). */
  expiresAt?: string;
  /** ISO 8601: the latest `expiresAt` an extend can reach. */
  maxExpiresAt?: string;
  /** Pinned: not destroyed at expiry or when idle (still bounded by the admin maximum). */
  keep?: boolean;
  /** ISO 8601: last activity (pull request commits, comments, reviews; extend; redeploy; wake). */
  lastActivityAt?: string;
  /** Estimated cost (not stored). */
  cost?: PreviewCost;
  /** Its smoke tests' latest run (specs with `tests` only). */
  tests?: PreviewTestRun;
  /** How long each phase of its latest rollout took. */
  timeline?: PreviewTimeline;
}

/** A pull request a preview was created for. @public */
export interface PreviewPullRequest {
  number: number;
  title?: string;
  url?: string;
}

/** Body of `POST /previews`: a branch, or a pull request (its head branch and commit). @public */
export interface CreatePreviewRequest {
  entityRef: string;
  branch?: string;
  /** Head commit of the branch, when the caller knows it (fills `{sha}`). */
  sha?: string;
  /** Number of an open pull request in the component's GitHub repository. */
  pullRequest?: number;
}

/** One choice of the branch picker: a branch, or an open pull request. @public */
export interface BranchPickerItem {
  kind: 'branch' | 'pullRequest';
  /** The branch (for a pull request: its head branch). */
  branch: string;
  sha?: string;
  /** Pull requests only. */
  number?: number;
  title?: string;
  author?: { login: string; avatarUrl?: string };
  draft?: boolean;
  labels?: string[];
  url?: string;
}

/** Answer of `GET /branches`. @public */
export interface ListBranchesResponse {
  items: BranchPickerItem[];
  /** Whether `page + 1` has more items. */
  hasMore: boolean;
  page: number;
}

/** Body of `POST /previews/:id/redeploy`. @public */
export interface RedeployPreviewRequest {
  /** New head commit; the last one when unset. */
  sha?: string;
}

/** Answer of `GET /previews`. @public */
export interface ListPreviewsResponse {
  items: Preview[];
}

/*
 * ---- Dependency wiring (issue 6) ----
 */

/**
 * Where one dependency of a preview points:
 * - `staging`: the dependency component's staging URL;
 * - `preview`: a live preview of the dependency component (in-cluster Service DNS name);
 * - `unresolved`: no staging URL is known; `message` says what to set.
 * @public
 */
export type PreviewDependencyTargetKind = 'staging' | 'preview' | 'unresolved';

/** One dependency of a preview and its current target. @public */
export interface PreviewDependency {
  /** The dependency component, e.g. `component:default/orders-api`. */
  entityRef: string;
  /** Environment variable the URL reaches the workloads through, e.g. `ORDERS_API_URL`. */
  env: string;
  target: PreviewDependencyTargetKind;
  /** The URL injected (absent when unresolved). */
  url?: string;
  /** When `target` is `preview`: that preview's id, name and branch. */
  previewId?: string;
  previewName?: string;
  branch?: string;
  /** Why unresolved, or a notice such as "orders-api preview pr-12 was destroyed; now using staging". */
  message?: string;
}

/** One choice of `GET /previews/:id/dependencies/:dependencyRef/targets`. @public */
export interface PreviewDependencyTargetOption {
  target: 'staging' | 'preview';
  url?: string;
  previewId?: string;
  name?: string;
  branch?: string;
  pullRequest?: PreviewPullRequest;
  status?: PreviewStatus;
}

/** Answer of `GET /previews/:id/dependencies/:dependencyRef/targets`. @public */
export interface ListDependencyTargetsResponse {
  items: PreviewDependencyTargetOption[];
}

/** Body of `PUT /previews/:id/dependencies/:dependencyRef`. @public */
export interface RerouteDependencyRequest {
  target: 'staging' | 'preview';
  /** Required when `target` is `preview`. */
  previewId?: string;
}

/*
 * ---- Per-preview databases and seed data (issue 7) ----
 */

/** Progress of a preview's database seeding: `none` when its spec has no database. @public */
export type PreviewSeedPhase =
  | 'none'
  | 'pending'
  | 'seeding'
  | 'migrating'
  | 'ready'
  | 'failed';

/** Seed status of a preview, from its seed and migrate Jobs. @public */
export interface PreviewSeedStatus {
  phase: PreviewSeedPhase;
  /** Seed generation this status is about (bumped by each reseed). */
  generation?: number;
  /** When `failed`: the step that failed. */
  failedStep?: 'seeding' | 'migrating';
  /** Version of the seed (git SHA of the dump or the image tag). */
  version?: string;
  seedSeconds?: number;
  migrateSeconds?: number;
  /** When `failed`: the last lines of the failing Job's log. */
  logTail?: string[];
  message?: string;
}

/*
 * ---- Smoke tests (issue 18) ----
 */

/**
 * Where a smoke test run or one test of it is:
 * `pending` (waits for the preview to be ready), `running`, `passed`, `failed`.
 * @public
 */
export type PreviewTestStatus = 'pending' | 'running' | 'passed' | 'failed';

/** One test of a run. @public */
export interface PreviewTestResult {
  /** The test's name in the spec. */
  name: string;
  status: PreviewTestStatus;
  /** Why it failed (exit code, deadline), or what it waits for. */
  message?: string;
  /** Its pod and container, whose log is its output (`GET /previews/:id/pods/:pod/logs`). */
  pod?: string;
  container?: string;
  seconds?: number;
}

/** The latest smoke test run of a preview. @public */
export interface PreviewTestRun {
  /** Run number: 1 for the first run of the preview. */
  run: number;
  status: PreviewTestStatus;
  /** What started it: a rollout (create, redeploy or reroute, reseed) or a re-run from the portal. */
  trigger: 'create' | 'redeploy' | 'reseed' | 'rerun';
  /** The commit tested. */
  sha?: string;
  /** ISO 8601 */
  startedAt?: string;
  finishedAt?: string;
  results: PreviewTestResult[];
}

/*
 * ---- Timeline (issue 18) ----
 */

/**
 * The phases of a rollout, in the order they start:
 * - `queued`: from the request until its first pod exists (a build wait and the apply);
 * - `scheduled`: until every new pod is on a node;
 * - `imagePulled`: until every new pod's first container started (its image pulled);
 * - `seed`, `migrate`: the seed and migrate Jobs' run time;
 * - `ready`: from the last of those until the preview was ready;
 * - `tests`: the smoke test run that followed.
 * @public
 */
export const PREVIEW_TIMELINE_PHASES = [
  'queued',
  'scheduled',
  'imagePulled',
  'seed',
  'migrate',
  'ready',
  'tests',
] as const;

/** @public */
export type PreviewTimelinePhase = (typeof PREVIEW_TIMELINE_PHASES)[number];

/** How long the phases of a preview's latest rollout took. @public */
export interface PreviewTimeline {
  /** What started the rollout. */
  trigger: 'create' | 'redeploy' | 'reseed' | 'wake';
  /** ISO 8601: when it was requested. */
  startedAt: string;
  /** Seconds per phase, to a tenth; a phase the rollout did not go through (or has not finished) is absent. */
  phases: Partial<Record<PreviewTimelinePhase, number>>;
  /** Seconds from the request until the preview was ready. */
  readySeconds?: number;
}

/** The spread of one phase's duration over the previews of a component. @public */
export interface PreviewPhaseStats {
  /** Seconds. */
  p50: number;
  p95: number;
  /** How many rollouts went through the phase. */
  count: number;
}

/*
 * ---- Lifecycle and cost (issue 8) ----
 */

/** Body of `POST /previews/:id/extend`. @public */
export interface ExtendPreviewRequest {
  /** Hours added to the current expiry (whole number, at least 1). */
  hours: number;
}

/** Body of `POST /previews/:id/keep`. @public */
export interface KeepPreviewRequest {
  keep: boolean;
}

/** Estimated cost of a preview, from its rendered resource requests and configured prices. @public */
export interface PreviewCost {
  perHour: number;
  /** Until its expiry (absent when kept without a bound). */
  remaining?: number;
  currency: string;
}

/** One row of `GET /summary`. @public */
export interface PreviewsSummaryGroup {
  /** Component ref or owner group ref. */
  ref: string;
  live: number;
  costPerHour: number;
  /** ISO 8601 creation time of its oldest live preview. */
  oldest?: string;
  /** Live previews expiring within the warning window. */
  expiringSoon: number;
  /**
   * Per component only: the p50 and p95 of each phase over the latest
   * rollout of its previews, live and destroyed.
   */
  phases?: Partial<Record<PreviewTimelinePhase, PreviewPhaseStats>>;
}

/** Answer of `GET /summary`. @public */
export interface PreviewsSummary {
  total: PreviewsSummaryGroup;
  byComponent: PreviewsSummaryGroup[];
  byOwner: PreviewsSummaryGroup[];
  currency: string;
}

/*
 * ---- History (issue 10) ----
 */

/** One entry of `GET /previews/:id/events`. @public */
export interface PreviewEvent {
  /** ISO 8601 */
  at: string;
  /** e.g. `created`, `status`, `extended`, `rerouted`, `reseeded`, `destroy-requested`. */
  type: string;
  /** User entity ref, or `system` for the backend itself. */
  actor?: string;
  message: string;
}

/**
 * Answer of `GET /previews/:id/events?limit=&cursor=`: a page of the history,
 * oldest first; `nextCursor` asks for the next page. @public
 */
export interface ListPreviewEventsResponse {
  items: PreviewEvent[];
  nextCursor?: string;
}

/**
 * Answer of `POST /previews/:id/open`: the preview's URL to open now. When
 * URLs are protected it carries a token good for a few minutes, which the
 * preview's host trades for a cookie of its own. @public
 */
export interface OpenPreviewResponse {
  url: string;
  /** ISO 8601: when the URL's token stops working (absent for public URLs). */
  expiresAt?: string;
}

/** A link to a protected preview for someone without a portal account. @public */
export interface PreviewShareLink {
  id: string;
  previewId: string;
  /** User entity ref of whoever created it. */
  createdBy: string;
  /** ISO 8601 */
  createdAt: string;
  /** ISO 8601: never after the preview's own expiry. */
  expiresAt: string;
  note?: string;
  /** ISO 8601, when revoked. */
  revokedAt?: string;
  revokedBy?: string;
}

/** Answer of `POST /previews/:id/share-links`: the link, whose URL is shown this once. @public */
export interface CreatedPreviewShareLink extends PreviewShareLink {
  url: string;
}

/** Answer of `GET /previews/:id/share-links`. @public */
export interface ListPreviewShareLinksResponse {
  items: PreviewShareLink[];
}

/**
 * Answer of `POST /previews/:id/bypass-token`: a new token for automation,
 * sent in the `header`; the previous one stops working. Shown this once. @public
 */
export interface PreviewBypassToken {
  header: string;
  token: string;
  /** ISO 8601 */
  rotatedAt: string;
}

/** One container of a preview's pod, as the Logs panel lists it. @public */
export interface PreviewContainer {
  name: string;
  /** An init container (runs before the others). */
  init: boolean;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** Why it waits or ended, e.g. `CrashLoopBackOff`, `Error`, `Completed`. */
  reason?: string;
  exitCode?: number;
  restarts: number;
  ready: boolean;
  /** It ended before the current one started: `previous` logs exist. */
  hasPrevious: boolean;
}

/** A pod of a preview: a workload's, a seed or migrate step's, or a database's. @public */
export interface PreviewPod {
  name: string;
  role: 'workload' | 'seed' | 'test' | 'database' | 'other';
  /** The workload, seed step or database it runs. */
  of?: string;
  phase: string;
  /** ISO 8601 */
  createdAt?: string;
  containers: PreviewContainer[];
}

/** Answer of `GET /previews/:id/pods`. @public */
export interface ListPreviewPodsResponse {
  items: PreviewPod[];
}

/** An event of the cluster about an object of the preview (scheduling, pulls, probes, crashes). @public */
export interface PreviewClusterEvent {
  /** ISO 8601: when it last happened. */
  at: string;
  /** `Normal` or `Warning`. */
  type: string;
  reason: string;
  /** `Kind/name` of the object it is about. */
  object: string;
  message: string;
  count: number;
}

/** Answer of `GET /previews/:id/cluster-events`, oldest first. @public */
export interface ListPreviewClusterEventsResponse {
  items: PreviewClusterEvent[];
}
