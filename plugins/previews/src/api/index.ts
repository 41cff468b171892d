export { previewsApiRef } from './PreviewsApi';
export type {
  PreviewsApi,
  ListPreviewsOptions,
  ListBranchesOptions,
  PreviewLogsRequest,
} from './PreviewsApi';
export { PreviewsClient } from './PreviewsClient';
