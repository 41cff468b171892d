import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CreatePreviewRequest,
  ListBranchesResponse,
  ListPreviewsResponse,
  Preview,
} from '@backstage-previews/plugin-previews-common';
import { ListBranchesOptions, ListPreviewsOptions, PreviewsApi } from './PreviewsApi';

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
    const query = new URLSearchParams({ entityRef: options.entityRef });
    if (options.includeDestroyed) {
      query.set('includeDestroyed', 'true');
    }
    return this.request<ListPreviewsResponse>(`/previews?${query}`);
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

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('previews');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
