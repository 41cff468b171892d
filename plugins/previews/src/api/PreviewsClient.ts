import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
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
import {
  ListBranchesOptions,
  ListPreviewsOptions,
  PreviewLogsRequest,
  PreviewsApi,
} from './PreviewsApi';
import { PreviewsRestClient } from './generated/PreviewsRestClient';

/**
 * {@link PreviewsApi} over the REST API of the previews backend plugin.
 * The calls themselves are the generated `PreviewsRestClient`'s
 * (from the backend's OpenAPI spec); handing its answers back as the types
 * of previews-common makes a drift between the two a compile error.
 *
 * @public
 */
export class PreviewsClient implements PreviewsApi {
  private readonly rest: PreviewsRestClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.rest = new PreviewsRestClient(options);
  }

  async listPreviews(
    options: ListPreviewsOptions,
  ): Promise<ListPreviewsResponse> {
    return this.rest.listPreviews({
      query: {
        entityRef: options.entityRef || undefined,
        includeDestroyed: options.includeDestroyed || undefined,
      },
    });
  }

  async getPreview(id: string): Promise<Preview> {
    return this.rest.getPreview({ path: { id } });
  }

  async createPreview(request: CreatePreviewRequest): Promise<Preview> {
    return this.rest.createPreview({
      body: {
        entityRef: request.entityRef,
        ...(request.pullRequest !== undefined
          ? { pullRequest: request.pullRequest }
          : { branch: request.branch }),
      },
    });
  }

  async listBranches(
    options: ListBranchesOptions,
  ): Promise<ListBranchesResponse> {
    return this.rest.listBranches({
      query: {
        entityRef: options.entityRef,
        q: options.q || undefined,
        page: options.page || undefined,
      },
    });
  }

  async destroyPreview(id: string): Promise<Preview> {
    return this.rest.destroyPreview({ path: { id } });
  }

  async redeployPreview(id: string, sha?: string): Promise<Preview> {
    return this.rest.redeployPreview({
      path: { id },
      body: sha ? { sha } : {},
    });
  }

  async extendPreview(id: string, hours: number): Promise<Preview> {
    return this.rest.extendPreview({ path: { id }, body: { hours } });
  }

  async keepPreview(id: string, keep: boolean): Promise<Preview> {
    return this.rest.keepPreview({ path: { id }, body: { keep } });
  }

  async sleepPreview(id: string): Promise<Preview> {
    return this.rest.sleepPreview({ path: { id } });
  }

  async wakePreview(id: string): Promise<Preview> {
    return this.rest.wakePreview({ path: { id } });
  }

  async openPreview(id: string): Promise<OpenPreviewResponse> {
    return this.rest.openPreview({ path: { id } });
  }

  async listShareLinks(id: string): Promise<PreviewShareLink[]> {
    return (await this.rest.listShareLinks({ path: { id } })).items;
  }

  async createShareLink(
    id: string,
    request: { hours?: number; note?: string },
  ): Promise<CreatedPreviewShareLink> {
    return this.rest.createShareLink({ path: { id }, body: request });
  }

  async revokeShareLink(id: string, linkId: string): Promise<PreviewShareLink> {
    return this.rest.revokeShareLink({ path: { id, linkId } });
  }

  async rotateBypassToken(id: string): Promise<PreviewBypassToken> {
    return this.rest.rotateBypassToken({ path: { id } });
  }

  async listPreviewPods(id: string): Promise<PreviewPod[]> {
    return (await this.rest.listPreviewPods({ path: { id } })).items;
  }

  async streamPreviewLogs(
    id: string,
    request: PreviewLogsRequest,
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const { pod, ...query } = request;
    const response = await this.rest.readPreviewLogs({
      path: { id, pod },
      query,
    });
    const reader = response.body?.getReader();
    if (!reader) {
      onText(await response.text());
      return;
    }
    const stop = () => void reader.cancel().catch(() => undefined);
    signal.addEventListener('abort', stop);
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || signal.aborted) break;
        onText(decoder.decode(value, { stream: true }));
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  async listPreviewClusterEvents(id: string): Promise<PreviewClusterEvent[]> {
    return (await this.rest.listPreviewClusterEvents({ path: { id } })).items;
  }

  async restartPreviewWorkload(id: string, workload: string): Promise<void> {
    await this.rest.restartPreviewWorkload({ path: { id, workload } });
  }

  async reseedPreview(id: string): Promise<Preview> {
    return this.rest.reseedPreview({ path: { id } });
  }

  async rerunPreviewTests(id: string): Promise<Preview> {
    return this.rest.rerunPreviewTests({ path: { id } });
  }

  async listDependencyTargets(
    id: string,
    dependencyRef: string,
  ): Promise<ListDependencyTargetsResponse> {
    return this.rest.listDependencyTargets({ path: { id, dependencyRef } });
  }

  async rerouteDependency(
    id: string,
    dependencyRef: string,
    request: RerouteDependencyRequest,
  ): Promise<Preview> {
    return this.rest.rerouteDependency({
      path: { id, dependencyRef },
      body: request,
    });
  }

  /** The whole history, page by page. */
  async listPreviewEvents(id: string): Promise<ListPreviewEventsResponse> {
    const items: ListPreviewEventsResponse['items'] = [];
    let cursor: string | undefined;
    do {
      const page: ListPreviewEventsResponse = await this.rest.listPreviewEvents(
        { path: { id }, query: { cursor } },
      );
      items.push(...(page.items ?? []));
      cursor = page.nextCursor;
    } while (cursor);
    return { items };
  }

  async getSummary(): Promise<PreviewsSummary> {
    return this.rest.getSummary();
  }

  async getGroup(
    branch: string,
  ): Promise<{ branch: string; items: Preview[] }> {
    return this.rest.getGroup({ path: { branch } });
  }

  async destroyGroup(branch: string): Promise<{ items: Preview[] }> {
    return this.rest.destroyGroup({ path: { branch } });
  }

  async bulkDestroyPreviews(ids: string[]): Promise<{ items: Preview[] }> {
    return this.rest.bulkDestroyPreviews({ body: { ids } });
  }
}
