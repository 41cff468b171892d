import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isPreviewsAvailable } from '@backstage-previews/plugin-previews-common';
import { PreviewsClient, previewsApiRef } from './api';

/** The client of the previews backend. @alpha */
export const previewsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: previewsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PreviewsClient({ discoveryApi, fetchApi }),
    }),
});

/** The Previews tab of components that have previews enabled. @alpha */
export const previewsEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'previews',
    title: 'Previews',
    filter: isPreviewsAvailable,
    loader: () =>
      import('./components/EntityPreviewsContent').then(m => (
        <m.EntityPreviewsContent />
      )),
  },
});

/**
 * The previews frontend plugin, for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'previews',
  title: 'Previews',
  extensions: [previewsApi, previewsEntityContent],
});
