export { previewsApiRef } from './PreviewsApi';
export type {
  PreviewsApi,
  ListPreviewsOptions,
  ListBranchesOptions,
} from './PreviewsApi';
export { PreviewsClient } from './PreviewsClient';
