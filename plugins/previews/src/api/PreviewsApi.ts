import { createApiRef } from '@backstage/core-plugin-api';
import {
  CreatePreviewRequest,
  ListBranchesResponse,
  ListPreviewsResponse,
  Preview,
} from '@backstage-previews/plugin-previews-common';

/**
 * Options of {@link PreviewsApi.listPreviews}.
 *
 * @public
 */
export interface ListPreviewsOptions {
  /** The catalog entity whose previews to list, e.g. `component:default/shop`. */
  entityRef: string;
  /** Also return previews that have already been destroyed. */
  includeDestroyed?: boolean;
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
