import { PreviewSpec } from '@backstage-previews/plugin-previews-common';

/** What an engine needs to know to run one preview. @public */
export interface PreviewTarget {
  /** Preview id in the database; written onto every object so ownership can be checked. */
  previewId: string;
  /** DNS-1123 name of the preview (the namespace for the Kubernetes engine). */
  name: string;
  entityRef: string;
  branch: string;
}

/** Everything needed to deploy a preview. @public */
export interface PreviewDeployment extends PreviewTarget {
  spec: PreviewSpec;
  /** Host name the preview is reachable at, if a base domain is configured. */
  host?: string;
}

/**
 * What an engine observed about a preview in its cluster:
 * - `progressing`: objects exist, workloads not yet available
 * - `available`: every workload is available
 * - `failed`: a workload cannot become available (message says why)
 * - `absent`: nothing of the preview is left in the cluster
 *
 * @public
 */
export type PreviewObservationState =
  | 'progressing'
  | 'available'
  | 'failed'
  | 'absent';

/** @public */
export interface PreviewObservation {
  /** The preview's name (see {@link PreviewTarget.name}). */
  name: string;
  /** The preview id found on the cluster objects, when there are any. */
  previewId?: string;
  state: PreviewObservationState;
  message?: string;
}

/** Receives observations from an engine's tracker. @public */
export type PreviewObserver = (
  observation: PreviewObservation,
) => void | Promise<void>;

/** A running tracker; stop it on shutdown. @public */
export interface PreviewTracking {
  stop(): Promise<void>;
}

/** Thrown by an engine when the preview's name is taken by something it does not own. @public */
export class PreviewOwnershipError extends Error {
  readonly name = 'PreviewOwnershipError';
}

/**
 * A way to run previews (Kubernetes namespaces, Argo CD Applications, …).
 * Engines are added to the previews backend through
 * `previewsEnginesExtensionPoint`.
 *
 * @public
 */
export interface PreviewEngine {
  /** Stable id used in config and stored with each preview, e.g. `kubernetes`. */
  readonly id: string;
  /** Creates or updates every object of the preview. Idempotent. */
  deploy(deployment: PreviewDeployment): Promise<void>;
  /**
   * Starts removing everything of the preview. Idempotent; removes only
   * objects that carry this preview's id.
   */
  destroy(target: PreviewTarget): Promise<void>;
  /** Reads the current state of one preview once (used to reconcile). */
  observe(target: PreviewTarget): Promise<PreviewObservation>;
  /**
   * Watches every preview of this engine and reports changes. One watch for
   * all previews: its cost must not grow per preview.
   */
  track(observer: PreviewObserver): Promise<PreviewTracking>;
}
