import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CreatePreviewRequest,
  ListBranchesResponse,
  ListDependencyTargetsResponse,
  ListPreviewEventsResponse,
  ListPreviewsResponse,
  Preview,
  PreviewsSummary,
  RerouteDependencyRequest,
} from '@backstage-previews/plugin-previews-common';
import {
  ListBranchesOptions,
  ListPreviewsOptions,
  PreviewsApi,
} from './PreviewsApi';

/**
 * {@link PreviewsApi} over the REST API of the previews backend plugin.
 *
 * @public
 */
export class PreviewsClient implements PreviewsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listPreviews(
    options: ListPreviewsOptions,
  ): Promise<ListPreviewsResponse> {
    const query = new URLSearchParams();
    if (options.entityRef) {
      query.set('entityRef', options.entityRef);
    }
    if (options.includeDestroyed) {
      query.set('includeDestroyed', 'true');
    }
    const search = query.toString();
    return this.request<ListPreviewsResponse>(
      search ? `/previews?${search}` : '/previews',
    );
  }

  async getPreview(id: string): Promise<Preview> {
    return this.request<Preview>(`/previews/${encodeURIComponent(id)}`);
  }

  async createPreview(request: CreatePreviewRequest): Promise<Preview> {
    return this.request<Preview>('/previews', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        entityRef: request.entityRef,
        ...(request.pullRequest !== undefined
          ? { pullRequest: request.pullRequest }
          : { branch: request.branch }),
      }),
    });
  }

  async listBranches(
    options: ListBranchesOptions,
  ): Promise<ListBranchesResponse> {
    const query = new URLSearchParams({ entityRef: options.entityRef });
    if (options.q) {
      query.set('q', options.q);
    }
    if (options.page) {
      query.set('page', String(options.page));
    }
    return this.request<ListBranchesResponse>(`/branches?${query}`);
  }

  async destroyPreview(id: string): Promise<Preview> {
    return this.request<Preview>(`/previews/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async redeployPreview(id: string, sha?: string): Promise<Preview> {
    return this.post<Preview>(
      `${previewPath(id)}/redeploy`,
      sha ? { sha } : {},
    );
  }

  async extendPreview(id: string, hours: number): Promise<Preview> {
    return this.post<Preview>(`${previewPath(id)}/extend`, { hours });
  }

  async keepPreview(id: string, keep: boolean): Promise<Preview> {
    return this.post<Preview>(`${previewPath(id)}/keep`, { keep });
  }

  async sleepPreview(id: string): Promise<Preview> {
    return this.post<Preview>(`${previewPath(id)}/sleep`);
  }

  async wakePreview(id: string): Promise<Preview> {
    return this.post<Preview>(`${previewPath(id)}/wake`);
  }

  async reseedPreview(id: string): Promise<Preview> {
    return this.post<Preview>(`${previewPath(id)}/reseed`);
  }

  async listDependencyTargets(
    id: string,
    dependencyRef: string,
  ): Promise<ListDependencyTargetsResponse> {
    return this.request<ListDependencyTargetsResponse>(
      `${dependencyPath(id, dependencyRef)}/targets`,
    );
  }

  async rerouteDependency(
    id: string,
    dependencyRef: string,
    request: RerouteDependencyRequest,
  ): Promise<Preview> {
    return this.request<Preview>(dependencyPath(id, dependencyRef), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  /** The whole history, page by page. */
  async listPreviewEvents(id: string): Promise<ListPreviewEventsResponse> {
    const items: ListPreviewEventsResponse['items'] = [];
    let cursor: string | undefined;
    do {
      const page: ListPreviewEventsResponse = await this.request<ListPreviewEventsResponse>(
        `${previewPath(id)}/events${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...(page.items ?? []));
      cursor = page.nextCursor;
    } while (cursor);
    return { items };
  }

  async getSummary(): Promise<PreviewsSummary> {
    return this.request<PreviewsSummary>('/summary');
  }

  async getGroup(
    branch: string,
  ): Promise<{ branch: string; items: Preview[] }> {
    return this.request(`/groups/${encodeURIComponent(branch)}`);
  }

  async destroyGroup(branch: string): Promise<{ items: Preview[] }> {
    return this.request(`/groups/${encodeURIComponent(branch)}`, {
      method: 'DELETE',
    });
  }

  async bulkDestroyPreviews(ids: string[]): Promise<{ items: Preview[] }> {
    return this.post<{ items: Preview[] }>('/previews/bulk-destroy', { ids });
  }

  private async post<T>(path: string, body: object = {}): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('previews');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function previewPath(id: string): string {
  return `/previews/${encodeURIComponent(id)}`;
}

/** The dependency ref (e.g. `component:default/orders-api`) is one path segment. */
function dependencyPath(id: string, dependencyRef: string): string {
  return `${previewPath(id)}/dependencies/${encodeURIComponent(dependencyRef)}`;
}
