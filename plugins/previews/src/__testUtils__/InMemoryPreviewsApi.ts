import {
  BranchPickerItem,
  CreatePreviewRequest,
  ListBranchesResponse,
  ListDependencyTargetsResponse,
  ListPreviewEventsResponse,
  ListPreviewsResponse,
  Preview,
  PreviewEvent,
  PreviewsSummary,
  RerouteDependencyRequest,
  OpenPreviewResponse,
  CreatedPreviewShareLink,
  PreviewShareLink,
  PreviewBypassToken,
  PreviewPod,
  PreviewClusterEvent,
} from '@backstage-previews/plugin-previews-common';
import {
  ListBranchesOptions,
  ListPreviewsOptions,
  PreviewLogsRequest,
  PreviewsApi,
} from '../api';
import { listBranches } from './branchPicker';
import * as dependencies from './dependencyActions';
import * as access from './accessActions';
import * as groups from './groupActions';
import * as lifecycle from './lifecycleActions';
import { previewFixture } from './previewFixture';
import { PreviewRecords } from './PreviewRecords';
import { previewsSummary } from './previewsSummary';

/**
 * A {@link PreviewsApi} that keeps previews in memory, for tests. It checks
 * input like the backend does and records every call it receives.
 */
export class InMemoryPreviewsApi implements PreviewsApi {
  private readonly records = new PreviewRecords();
  readonly calls = this.records.calls;
  /** What the branch picker offers (branches and pull requests). */
  readonly branchItems: BranchPickerItem[] = [];
  /** Staging URLs of dependency components, by entity ref. */
  readonly stagingUrls: dependencies.StagingUrls = {};
  /** History per preview id. */
  readonly events: Record<string, PreviewEvent[]> = {};
  /** What `getSummary` answers; computed from the previews when unset. */
  summary?: PreviewsSummary;
  /** Pods, log text (by `pod/container`, `/previous` for the run before) and cluster events, per preview id. */
  readonly pods: Record<string, PreviewPod[]> = {};
  readonly logs: Record<string, string> = {};
  readonly clusterEvents: Record<string, PreviewClusterEvent[]> = {};
  /** Share links per preview id. */
  readonly shareLinks: access.ShareLinks = {};
  /** Methods that fail with this error instead of answering (e.g. a 403). */
  readonly failures = this.records.failures;

  constructor(initial: Preview[] = []) {
    this.records.previews.push(...initial.map(p => ({ ...p })));
  }

  static preview(overrides: Partial<Preview> & { branch: string }): Preview {
    return previewFixture(overrides);
  }

  callsOf(method: keyof PreviewsApi): unknown[][] {
    return this.calls.filter(c => c.method === method).map(c => c.args);
  }

  /** Changes a preview as the backend would on its own. */
  update(id: string, changes: Partial<Preview>): void {
    const preview = this.records.find(id);
    Object.assign(preview, changes, { updatedAt: new Date().toISOString() });
  }

  async listPreviews(
    options: ListPreviewsOptions,
  ): Promise<ListPreviewsResponse> {
    this.records.record('listPreviews', [options]);
    const items = this.records.previews
      .filter(p => !options.entityRef || p.entityRef === options.entityRef)
      .filter(p => options.includeDestroyed || p.status !== 'destroyed')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(p => ({ ...p }));
    return { items };
  }

  async getPreview(id: string): Promise<Preview> {
    this.records.record('getPreview', [id]);
    return { ...this.records.find(id) };
  }

  async createPreview(asked: CreatePreviewRequest): Promise<Preview> {
    this.records.record('createPreview', [asked]);
    return lifecycle.createPreview(this.records, this.branchItems, asked);
  }

  async listBranches(
    options: ListBranchesOptions,
  ): Promise<ListBranchesResponse> {
    this.records.record('listBranches', [options]);
    return listBranches(this.branchItems, options);
  }

  async destroyPreview(id: string): Promise<Preview> {
    this.records.record('destroyPreview', [id]);
    return lifecycle.destroyPreview(this.records, id);
  }

  async redeployPreview(id: string, sha?: string): Promise<Preview> {
    this.records.record('redeployPreview', sha ? [id, sha] : [id]);
    return lifecycle.redeployPreview(this.records, id, sha);
  }

  async extendPreview(id: string, hours: number): Promise<Preview> {
    this.records.record('extendPreview', [id, hours]);
    return lifecycle.extendPreview(this.records, id, hours);
  }

  async keepPreview(id: string, keep: boolean): Promise<Preview> {
    this.records.record('keepPreview', [id, keep]);
    return lifecycle.keepPreview(this.records, id, keep);
  }

  async sleepPreview(id: string): Promise<Preview> {
    this.records.record('sleepPreview', [id]);
    return lifecycle.sleepPreview(this.records, id);
  }

  async wakePreview(id: string): Promise<Preview> {
    this.records.record('wakePreview', [id]);
    return lifecycle.wakePreview(this.records, id);
  }

  async reseedPreview(id: string): Promise<Preview> {
    this.records.record('reseedPreview', [id]);
    return lifecycle.reseedPreview(this.records, id);
  }

  async rerunPreviewTests(id: string): Promise<Preview> {
    this.records.record('rerunPreviewTests', [id]);
    return lifecycle.rerunPreviewTests(this.records, id);
  }

  async listDependencyTargets(
    id: string,
    dependencyRef: string,
  ): Promise<ListDependencyTargetsResponse> {
    this.records.record('listDependencyTargets', [id, dependencyRef]);
    return dependencies.listDependencyTargets(
      this.records,
      this.stagingUrls,
      id,
      dependencyRef,
    );
  }

  async rerouteDependency(
    id: string,
    dependencyRef: string,
    request: RerouteDependencyRequest,
  ): Promise<Preview> {
    this.records.record('rerouteDependency', [id, dependencyRef, request]);
    return dependencies.rerouteDependency(
      this.records,
      this.stagingUrls,
      id,
      dependencyRef,
      request,
    );
  }

  async listPreviewEvents(id: string): Promise<ListPreviewEventsResponse> {
    this.records.record('listPreviewEvents', [id]);
    this.records.find(id);
    return { items: [...(this.events[id] ?? [])] };
  }

  async getSummary(): Promise<PreviewsSummary> {
    this.records.record('getSummary', []);
    return this.summary ?? previewsSummary(this.records.previews);
  }

  async getGroup(
    branch: string,
  ): Promise<{ branch: string; items: Preview[] }> {
    this.records.record('getGroup', [branch]);
    return groups.getGroup(this.records, branch);
  }

  async destroyGroup(branch: string): Promise<{ items: Preview[] }> {
    this.records.record('destroyGroup', [branch]);
    return groups.destroyGroup(this.records, branch);
  }

  async bulkDestroyPreviews(ids: string[]): Promise<{ items: Preview[] }> {
    this.records.record('bulkDestroyPreviews', [ids]);
    return lifecycle.bulkDestroyPreviews(this.records, ids);
  }

  async openPreview(id: string): Promise<OpenPreviewResponse> {
    this.records.record('openPreview', [id]);
    return access.openPreview(this.records, id);
  }

  async listShareLinks(id: string): Promise<PreviewShareLink[]> {
    this.records.record('listShareLinks', [id]);
    this.records.find(id);
    return (this.shareLinks[id] ?? []).map(l => ({ ...l }));
  }

  async createShareLink(
    id: string,
    request: { hours?: number; note?: string },
  ): Promise<CreatedPreviewShareLink> {
    this.records.record('createShareLink', [id, request]);
    return access.createShareLink(this.records, this.shareLinks, id, request);
  }

  async revokeShareLink(id: string, linkId: string): Promise<PreviewShareLink> {
    this.records.record('revokeShareLink', [id, linkId]);
    return access.revokeShareLink(this.shareLinks, id, linkId);
  }

  async rotateBypassToken(id: string): Promise<PreviewBypassToken> {
    this.records.record('rotateBypassToken', [id]);
    return access.rotateBypassToken(this.records, id);
  }

  async listPreviewPods(id: string): Promise<PreviewPod[]> {
    this.records.record('listPreviewPods', [id]);
    this.records.find(id);
    return this.pods[id] ?? [];
  }

  async streamPreviewLogs(
    id: string,
    request: PreviewLogsRequest,
    onText: (text: string) => void,
  ): Promise<void> {
    this.records.record('streamPreviewLogs', [id, request]);
    this.records.find(id);
    const key = `${request.pod}/${request.container}${
      request.previous ? '/previous' : ''
    }`;
    const text = this.logs[key];
    if (text === undefined) throw new Error(`No log of ${key}`);
    onText(text);
  }

  async listPreviewClusterEvents(id: string): Promise<PreviewClusterEvent[]> {
    this.records.record('listPreviewClusterEvents', [id]);
    this.records.find(id);
    return this.clusterEvents[id] ?? [];
  }

  async restartPreviewWorkload(id: string, workload: string): Promise<void> {
    this.records.record('restartPreviewWorkload', [id, workload]);
    this.records.find(id);
  }
}
