import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PreviewsClient, previewsApiRef } from './api';
import type {
  EntityPreviewsCardProps,
  EntityPreviewsContentProps,
  PreviewsPageProps,
} from './components';
import { previewsPageRouteRef, rootRouteRef } from './routes';

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
    page: previewsPageRouteRef,
  },
});

/**
 * The Previews tab of a component's entity page, e.g.
 * `<EntityLayout.Route path="/previews" title="Previews" if={isPreviewsAvailable}>`.
 *
 * @public
 */
export const EntityPreviewsContent: (
  props: EntityPreviewsContentProps,
) => JSX.Element = previewsPlugin.provide(
  createRoutableExtension({
    name: 'EntityPreviewsContent',
    component: () =>
      import('./components/EntityPreviewsContent').then(
        m => m.EntityPreviewsContent,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * An overview card for the entity page: how many previews are live and the
 * most recent ones.
 *
 * @public
 */
export const EntityPreviewsCard: (
  props: EntityPreviewsCardProps,
) => JSX.Element = previewsPlugin.provide(
  createComponentExtension({
    name: 'EntityPreviewsCard',
    component: {
      lazy: () =>
        import('./components/EntityPreviewsCard').then(
          m => m.EntityPreviewsCard,
        ),
    },
  }),
);

/**
 * The org-wide page of all live previews, e.g.
 * `<Route path="/previews" element={<PreviewsPage />} />`.
 *
 * @public
 */
export const PreviewsPage: (props: PreviewsPageProps) => JSX.Element =
  previewsPlugin.provide(
    createRoutableExtension({
      name: 'PreviewsPage',
      component: () =>
        import('./components/PreviewsPage').then(m => m.PreviewsPage),
      mountPoint: previewsPageRouteRef,
    }),
  );
