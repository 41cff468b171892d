import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PreviewsClient, previewsApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The previews frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
export const previewsPlugin = createPlugin({
  id: 'previews',
  apis: [
    createApiFactory({
      api: previewsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PreviewsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The Previews tab of a component's entity page, e.g.
 * `<EntityLayout.Route path="/previews" title="Previews" if={isPreviewsAvailable}>`.
 *
 * @public
 */
export const EntityPreviewsContent = previewsPlugin.provide(
  createRoutableExtension({
    name: 'EntityPreviewsContent',
    component: () =>
      import('./components/EntityPreviewsContent').then(
        m => m.EntityPreviewsContent,
      ),
    mountPoint: rootRouteRef,
  }),
);
