/**
 * The life of a preview:
 * provisioning → ready → destroying → destroyed, or failed (with a reason) from
 * provisioning/ready. A failed preview can still be destroyed.
 *
 * @public
 */
export type PreviewStatus =
  | 'provisioning'
  | 'ready'
  | 'failed'
  | 'destroying'
  | 'destroyed';

/** Statuses in which a preview still owns objects in the cluster. @public */
export const LIVE_PREVIEW_STATUSES: readonly PreviewStatus[] = [
  'provisioning',
  'ready',
  'failed',
  'destroying',
];

/** Statuses that change without user action, so a UI should keep refreshing. @public */
export const TRANSITIONAL_PREVIEW_STATUSES: readonly PreviewStatus[] = [
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
  /** Entity ref of the user who created it. */
  createdBy?: string;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  readyAt?: string;
  destroyedAt?: string;
}

/** Body of `POST /previews`. @public */
export interface CreatePreviewRequest {
  entityRef: string;
  branch: string;
}

/** Answer of `GET /previews`. @public */
export interface ListPreviewsResponse {
  items: Preview[];
}
