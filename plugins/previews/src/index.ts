/**
 * Previews tab for Backstage components: per-pull-request preview environments.
 *
 * @packageDocumentation
 */
export {
  previewsPlugin,
  EntityPreviewsContent,
  EntityPreviewsCard,
  PreviewsPage,
} from './plugin';
export type {
  EntityPreviewsContentProps,
  EntityPreviewsCardProps,
  PreviewsPageProps,
} from './components';
export { previewsApiRef, PreviewsClient } from './api';
export type {
  PreviewsApi,
  ListPreviewsOptions,
  ListBranchesOptions,
  PreviewLogsRequest,
} from './api';
export { isPreviewsAvailable } from '@backstage-previews/plugin-previews-common';
