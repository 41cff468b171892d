/**
 * The life of a preview:
 * provisioning → ready → destroying → destroyed; `degraded` while its
 * workloads run but do not work (crash loop, image pull errors, rollout past
 * its deadline); `failed` when it could not be deployed or its namespace
 * vanished; `waiting-for-build` (before provisioning) while a required CI
 * check of its commit has not succeeded yet. Any live preview can be destroyed.
 *
 * @public
 */
export type PreviewStatus =
  | 'waiting-for-build'
  | 'provisioning'
  | 'ready'
  | 'degraded'
  | 'failed'
  | 'destroying'
  | 'destroyed';

/** Statuses in which a preview still owns objects in the cluster. @public */
export const LIVE_PREVIEW_STATUSES: readonly PreviewStatus[] = [
  'waiting-for-build',
  'provisioning',
  'ready',
  'degraded',
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
