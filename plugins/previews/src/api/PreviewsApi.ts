import { createApiRef } from '@backstage/core-plugin-api';
import {
  CreatePreviewRequest,
  ListBranchesResponse,
  ListDependencyTargetsResponse,
  ListPreviewEventsResponse,
  ListPreviewsResponse,
  Preview,
  PreviewsSummary,
  RerouteDependencyRequest,
  OpenPreviewResponse,
  CreatedPreviewShareLink,
  PreviewShareLink,
  PreviewBypassToken,
  PreviewPod,
  PreviewClusterEvent,
} from '@backstage-previews/plugin-previews-common';

/**
 * Options of {@link PreviewsApi.listPreviews}.
 *
 * @public
 */
export interface ListPreviewsOptions {
  /**
   * The catalog entity whose previews to list, e.g. `component:default/shop`;
   * all live previews of the organisation when unset.
   */
  entityRef?: string;
  /** Also return previews that have already been destroyed. */
  includeDestroyed?: boolean;
}

/**
 * Which container log {@link PreviewsApi.streamPreviewLogs} reads.
 *
 * @public
 */
export interface PreviewLogsRequest {
  pod: string;
  container: string;
  /** The run before the current one (a crash). */
  previous?: boolean;
  /** Keep reading new lines as they are written. */
  follow?: boolean;
  tailLines?: number;
}

/**
 * Client side of the previews backend.
 *
 * @public
 */
export interface PreviewsApi {
  /** Previews of one entity, newest first. */
  listPreviews(options: ListPreviewsOptions): Promise<ListPreviewsResponse>;
  /** One preview by id. */
  getPreview(id: string): Promise<Preview>;
  /** Starts provisioning a preview of a branch. */
  createPreview(request: CreatePreviewRequest): Promise<Preview>;
  /** Starts tearing down a preview. */
  destroyPreview(id: string): Promise<Preview>;
  /** Branches and open pull requests of the entity's repository, searchable and paginated (from 1). */
  listBranches(options: ListBranchesOptions): Promise<ListBranchesResponse>;
  /** Deploys the preview again (the same or a new head commit). */
  redeployPreview(id: string, sha?: string): Promise<Preview>;
  /** Moves the expiry `hours` later (bounded by `maxExpiresAt`). */
  extendPreview(id: string, hours: number): Promise<Preview>;
  /** Pins or unpins a preview, so that it is not destroyed at expiry or when idle. */
  keepPreview(id: string, keep: boolean): Promise<Preview>;
  /** Scales the preview's workloads to zero (its database stays). */
  sleepPreview(id: string): Promise<Preview>;
  /** Scales a sleeping preview back up. */
  wakePreview(id: string): Promise<Preview>;
  /** Drops the preview's database and seeds it again. */
  reseedPreview(id: string): Promise<Preview>;
  /** Runs the preview's smoke tests again (409 while a run has not ended). */
  rerunPreviewTests(id: string): Promise<Preview>;
  /** Where one dependency of a preview can point: staging and the dependency's live previews. */
  listDependencyTargets(
    id: string,
    dependencyRef: string,
  ): Promise<ListDependencyTargetsResponse>;
  /** Points one dependency of a preview elsewhere; the preview rolls out again. */
  rerouteDependency(
    id: string,
    dependencyRef: string,
    request: RerouteDependencyRequest,
  ): Promise<Preview>;
  /** The history of a preview, oldest first. */
  listPreviewEvents(id: string): Promise<ListPreviewEventsResponse>;
  /** Live previews and their cost, in total, per component and per owner. */
  getSummary(): Promise<PreviewsSummary>;
  /** The previews of a branch that are wired to each other (a group). */
  getGroup(branch: string): Promise<{ branch: string; items: Preview[] }>;
  /** Starts destroying every preview of a group. */
  destroyGroup(branch: string): Promise<{ items: Preview[] }>;
  /** Starts destroying several previews at once (admins). */
  bulkDestroyPreviews(ids: string[]): Promise<{ items: Preview[] }>;
  /** The preview's URL to open now: with a token good for minutes when URLs are protected. */
  openPreview(id: string): Promise<OpenPreviewResponse>;
  /** The preview's share links (never their URLs). */
  listShareLinks(id: string): Promise<PreviewShareLink[]>;
  /** A link for a reviewer without a portal account; its URL is given this once. */
  createShareLink(
    id: string,
    request: { hours?: number; note?: string },
  ): Promise<CreatedPreviewShareLink>;
  revokeShareLink(id: string, linkId: string): Promise<PreviewShareLink>;
  /** A new bypass token for automation; the old one stops working. Shown this once. */
  rotateBypassToken(id: string): Promise<PreviewBypassToken>;
  /** The preview's pods with their containers' states. */
  listPreviewPods(id: string): Promise<PreviewPod[]>;
  /**
   * Reads a container's log, redacted, handing each chunk of whole lines to
   * `onText`; with `follow`, until `signal` aborts. Resolves when it ends.
   */
  streamPreviewLogs(
    id: string,
    request: PreviewLogsRequest,
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** The cluster's events about the preview's objects, oldest first. */
  listPreviewClusterEvents(id: string): Promise<PreviewClusterEvent[]>;
  /** Rolls one workload's pods. */
  restartPreviewWorkload(id: string, workload: string): Promise<void>;
}

/**
 * Options of {@link PreviewsApi.listBranches}.
 *
 * @public
 */
export interface ListBranchesOptions {
  entityRef: string;
  /** Search text: part of a branch name, a pull request title, `#number` or author. */
  q?: string;
  page?: number;
}

/**
 * Reference to the {@link PreviewsApi}.
 *
 * @public
 */
export const previewsApiRef = createApiRef<PreviewsApi>({
  id: 'plugin.previews.service',
});
