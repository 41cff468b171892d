import {
  PreviewClusterEvent,
  PreviewDetails,
  PreviewPod,
  PreviewSeedStatus,
  PreviewSpec,
  PreviewTestResult,
  PreviewTestSpec,
} from '@backstage-previews/plugin-previews-common';

/** What an engine needs to know to run one preview. @public */
export interface PreviewTarget {
  /** Preview id in the database; written onto every object so ownership can be checked. */
  previewId: string;
  /** DNS-1123 name of the preview (the namespace for the Kubernetes engine). */
  name: string;
  entityRef: string;
  branch: string;
  /** Cluster of the preview; the engine's default cluster when unset. */
  cluster?: string;
}

/** Everything needed to deploy a preview. @public */
export interface PreviewDeployment extends PreviewTarget {
  spec: PreviewSpec;
  /** Host name the preview is reachable at, if a base domain is configured. */
  host?: string;
  /** Head commit being deployed, when known (fills `{sha}` in image templates). */
  sha?: string;
  /** Git repository of the component (from `backstage.io/source-location`), when known. */
  repoUrl?: string;
  /**
   * The component's id for Backstage's Kubernetes plugin (its
   * `backstage.io/kubernetes-id` annotation, else its name), when the
   * installation labels previews with it (`previews.kubernetesPlugin.kubernetesIdLabel`).
   */
  kubernetesId?: string;
  /**
   * Resolved dependency URLs injected into every workload as environment
   * variables (unresolved dependencies are left out).
   */
  dependencies?: Array<{
    env: string;
    url: string;
    /** The preview it points to, when it points to one (its network policy must admit this preview). */
    previewName?: string;
  }>;
  /** Bumped by each reseed: a new value reruns the seed and migrate Jobs and rolls the app. */
  seedGeneration?: number;
  /**
   * The `databases.postgres.seed.dump` of the spec, read from the component's
   * repository at the deployed commit: base64 content and version (git blob SHA).
   */
  seedDump?: { data: string; version: string };
  /** Sleeping: app workloads are scaled to zero; databases stay. */
  asleep?: boolean;
  /**
   * Protected URLs: every request to the preview's host is first checked
   * at `checkUrl` (forward auth: 2xx lets it through, with the answer's
   * Set-Cookie; 401 sends the browser to `signinUrl?rd=<the request's URL>`).
   * Absent: the URL is public.
   */
  access?: PreviewAccessGate;
}

/** Which container's log to read. @public */
export interface PreviewLogRequest {
  pod: string;
  container: string;
  /** The container that ended before the current one (a crash). */
  previous?: boolean;
  /** Keep the stream open and send new lines as they are written. */
  follow?: boolean;
  /** Only the last lines. */
  tailLines?: number;
}

/**
 * What runs in a preview, for the portal's Logs and Events panels and the
 * Restart action. Log text never carries the values of the preview's own
 * secrets. @public
 */
export interface PreviewRuntime {
  listPods(target: PreviewTarget): Promise<PreviewPod[]>;
  /** Sends the container's log, redacted, in whole lines, until it ends or `signal` aborts. */
  streamLogs(
    target: PreviewTarget,
    request: PreviewLogRequest,
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<void>;
  listEvents(target: PreviewTarget): Promise<PreviewClusterEvent[]>;
  /** Rolls a workload's pods (a new pod template annotation); throws NotFoundError for an unknown workload. */
  restartWorkload(target: PreviewTarget, workload: string): Promise<void>;
}

/**
 * A preview's smoke tests as its spec gives them, with where they may run
 * (the spec's pull secrets and placement). @public
 */
export interface PreviewTestPlan {
  tests: PreviewTestSpec[];
  imagePullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  tolerations?: PreviewSpec['tolerations'];
}

/** The plan of a spec; undefined when it has no tests. @public */
export function testPlanOf(spec: PreviewSpec): PreviewTestPlan | undefined {
  if (!spec.tests?.length) return undefined;
  const { tests, imagePullSecrets, nodeSelector, tolerations } = spec;
  return {
    tests,
    ...(imagePullSecrets && { imagePullSecrets }),
    ...(nodeSelector && { nodeSelector }),
    ...(tolerations && { tolerations }),
  };
}

/** How long a smoke test may run when its spec gives no `timeoutSeconds`. @public */
export const DEFAULT_TEST_TIMEOUT_SECONDS = 600;

/** One smoke test run to start in a preview. @public */
export interface PreviewTestRunRequest {
  /** Run number; the engine labels what it creates with it and reports its results under it. */
  run: number;
  plan: PreviewTestPlan;
  /** Head commit tested (fills `{sha}` in images). */
  sha?: string;
  /** The preview's URL, given to every test as `PREVIEW_URL`. */
  url?: string;
  /** A bypass token for the preview's protected URL, given as `PREVIEW_BYPASS_TOKEN` (kept in a Secret). */
  bypassToken?: string;
  /** The header the token goes in, given as `PREVIEW_BYPASS_HEADER`. */
  bypassHeader?: string;
}

/**
 * Runs a preview's smoke tests (the spec's `tests`) and reports their
 * results in its observations (`PreviewObservation.tests`). @public
 */
export interface PreviewTestRunner {
  /** Starts a run; runs of other numbers are removed. Idempotent per run number. */
  start(target: PreviewTarget, request: PreviewTestRunRequest): Promise<void>;
}

/** What an engine observed of a preview's newest smoke test run. @public */
export interface PreviewTestObservation {
  run: number;
  results: PreviewTestResult[];
}

/** Where an engine's ingress asks whether a request may reach the preview. @public */
export interface PreviewAccessGate {
  checkUrl: string;
  signinUrl: string;
}

/**
 * What an engine observed about a preview in its cluster:
 * - `progressing`: objects exist, workloads not yet available
 * - `available`: every workload is available
 * - `degraded`: a workload runs but does not work (message says why)
 * - `terminating`: being deleted; `details.blockers` says what remains
 * - `absent`: nothing of the preview is left in the cluster
 *
 * @public
 */
export type PreviewObservationState =
  | 'progressing'
  | 'available'
  | 'degraded'
  | 'terminating'
  | 'absent';

/** @public */
export interface PreviewObservation {
  /** The preview's name (see {@link PreviewTarget.name}). */
  name: string;
  /** The preview id found on the cluster objects, when there are any. */
  previewId?: string;
  /** Cluster the observation comes from; the default cluster when unset. */
  cluster?: string;
  state: PreviewObservationState;
  message?: string;
  details?: PreviewDetails;
  /** Seed status from the seed and migrate Jobs, for specs with a database. */
  seed?: PreviewSeedStatus;
  /** The newest smoke test run found, with each test's result. */
  tests?: PreviewTestObservation;
  /** When the preview's pods and Jobs got through their phases (what its timeline is built from). */
  marks?: PreviewRolloutMarks;
}

/**
 * When each pod and Job of a preview got through the phases of its
 * rollout, as the cluster recorded them (ISO 8601). An engine that cannot
 * see pods leaves the marks out; the timeline then has fewer phases.
 * @public
 */
export interface PreviewRolloutMarks {
  /** Its pods, except smoke test pods. */
  pods: Array<{
    createdAt: string;
    /** When it was bound to a node. */
    scheduledAt?: string;
    /** When its first container (an init container, if any) started. */
    startedAt?: string;
  }>;
  /** The seed and migrate Jobs of the newest generation, once they started. */
  seed?: { startedAt: string; finishedAt?: string };
  migrate?: { startedAt: string; finishedAt?: string };
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

/** A set of preview objects in a cluster (a namespace, an Application), as the orphan sweep sees it. @public */
export interface ManagedObjectSet {
  name: string;
  /** The preview id label; sets without one are never swept. */
  previewId?: string;
  /** The installation label; the sweep touches only its own installation's sets. */
  installation?: string;
  cluster?: string;
  createdAt?: string;
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
  /** How users see the engine named, e.g. `Argo CD`; the id when unset. */
  readonly title?: string;
  /** Whether deploy honours {@link PreviewDeployment.asleep} (previews of other engines cannot sleep). */
  readonly canSleep?: boolean;
  /** Whether deploy runs the spec's `databases` (with seed and migrate Jobs and `seedGeneration`). */
  readonly supportsDatabases?: boolean;
  /** Pods, logs, events and restarts of its previews, when the engine can reach them. */
  readonly runtime?: PreviewRuntime;
  /** Runs the spec's smoke tests; without it, `tests` in a spec is refused. */
  readonly tests?: PreviewTestRunner;
  /**
   * What of a resolved spec this engine's configuration does not allow (e.g.
   * a secret source), one sentence each naming the field; empty when all is
   * allowed. Asked before anything is recorded or deployed.
   */
  specProblems?(spec: PreviewSpec, context: { entityRef: string }): string[];
  /** Creates or updates every object of the preview. Idempotent. */
  deploy(deployment: PreviewDeployment): Promise<void>;
  /**
   * Starts removing everything of the preview. Idempotent; removes only
   * objects that carry this preview's id.
   */
  destroy(target: PreviewTarget): Promise<void>;
  /**
   * The current state of one preview (used to reconcile). Engines that track
   * answer from their watch caches, without a request per preview.
   */
  observe(target: PreviewTarget): Promise<PreviewObservation>;
  /**
   * Names of every preview object set this engine finds in its clusters,
   * for the orphan sweep.
   */
  listManaged?(): Promise<ManagedObjectSet[]>;
  /** Deletes an orphan found by listManaged (only objects carrying that id). */
  destroyOrphan?(orphan: {
    name: string;
    previewId?: string;
    cluster?: string;
  }): Promise<void>;
  /**
   * Watches every preview of this engine and reports changes. One watch for
   * all previews: its cost must not grow per preview.
   */
  track(observer: PreviewObserver): Promise<PreviewTracking>;
  /** Links about one preview shown with it (e.g. the Argo CD UI). */
  linksOf?(target: PreviewTarget): Array<{ title: string; url: string }>;
  /**
   * What a preview of this spec asks of its cluster, priced into its cost.
   * Without it, previews of this engine show no cost.
   */
  requestsOf?(spec: PreviewSpec): PreviewResourceRequests;
  /**
   * The URL previews of other components use to reach this preview (for
   * Kubernetes, its Service's in-cluster name); undefined when it exposes
   * nothing. Without this member, its public URL.
   */
  serviceUrlOf?(deployment: PreviewDeployment): string | undefined;
}

/** Resources a preview requests, for its cost. @public */
export interface PreviewResourceRequests {
  /** App workloads (scaled to zero while sleeping). */
  app: { cpuCores: number; memoryGiB: number };
  /** Database servers (stay while sleeping). */
  databases: { cpuCores: number; memoryGiB: number };
  storageGiB: number;
}
