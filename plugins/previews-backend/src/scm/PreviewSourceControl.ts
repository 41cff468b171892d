import {
  BackstageCredentials,
  SchedulerService,
  createExtensionPoint,
} from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  ListBranchesResponse,
  PreviewPullRequest,
} from '@backstage-previews/plugin-previews-common';
import { PreviewStatusListener } from '@backstage-previews/plugin-previews-node';
import type { Knex } from 'knex';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { LifecycleService } from '../lifecycle/LifecycleService';
import type { PullRequestLabels } from '../lifecycle/Reaper';
import type { PreviewService } from '../service/PreviewService';
import type { PreviewBuildWait, StoredPreview } from '../types';

/** A pull request resolved for `POST /previews`. */
export interface ResolvedPullRequest {
  branch: string;
  sha: string;
  pullRequest: PreviewPullRequest;
  repo: string;
  /** The host of `repo`. */
  repoHost: string;
  /** Set when the head commit's required check has not succeeded yet. */
  waitFor?: PreviewBuildWait;
}

/**
 * A source control integration (GitHub is the built-in one): pull requests
 * drive previews, and previews are reported on their pull requests. Built
 * in two steps, because its reporter is a status listener of the use cases
 * and its pull request handling drives them.
 */
export interface PreviewSourceControl {
  /** Reports each status change on the preview's pull request. */
  readonly statusListener: PreviewStatusListener<StoredPreview>;
  /** The reaper's calls: the label that asks for a preview. */
  readonly pullRequestLabels?: PullRequestLabels;
  /** Shows a preview's new expiry where it is reported (after extend, keep or a warning). */
  onExpiryChange?(preview: StoredPreview): void;
  /** The create dialog's branch picker: branches and open pull requests of the component's repository. */
  listBranches(request: {
    entityRef: unknown;
    q?: string;
    page?: number;
    credentials: BackstageCredentials;
  }): Promise<ListBranchesResponse>;
  /** The head branch and commit of an open pull request of the component's repository. */
  resolvePullRequest(
    entityRef: unknown,
    number: number,
    credentials: BackstageCredentials,
  ): Promise<ResolvedPullRequest>;
  /** Starts handling pull requests (events, polling) through the use cases, once they are built. */
  start(context: {
    service: PreviewService;
    lifecycle: LifecycleService;
    events: EventsService;
    scheduler: SchedulerService;
  }): Promise<void>;
}

/** What the plugin hands a source control integration when it builds it, before the use cases. */
export interface PreviewSourceControlContext {
  store: PreviewsStore;
  /** The plugin's database (migrated): for the integration's own tables. */
  database: Knex;
  /** The expiry line of a preview, for pull request comments. */
  describeExpiry: (preview: StoredPreview) => string | undefined;
}

/** Builds the source control integration at startup (undefined: not configured). */
export type PreviewSourceControlFactory = (
  context: PreviewSourceControlContext,
) => PreviewSourceControl | undefined;

/**
 * Lets a backend module provide the source control integration (the
 * default is GitHub's, `previewsModuleGitHub`). At most one.
 *
 * @public
 */
export interface PreviewsSourceControlExtensionPoint {
  setSourceControl(factory: PreviewSourceControlFactory): void;
}

/** @public */
export const previewsSourceControlExtensionPoint =
  createExtensionPoint<PreviewsSourceControlExtensionPoint>({
    id: 'previews.sourceControl',
  });
