export { previewsApiRef } from './PreviewsApi';
export type { PreviewsApi, ListPreviewsOptions } from './PreviewsApi';
export { PreviewsClient } from './PreviewsClient';
