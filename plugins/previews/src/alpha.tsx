import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  PageBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isPreviewsAvailable } from '@backstage-previews/plugin-previews-common';
import PreviewIcon from '@mui/icons-material/Preview';
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

/** The overview card of components that have previews enabled. @alpha */
export const previewsEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isPreviewsAvailable,
    loader: () =>
      import('./components/EntityPreviewsCard').then(m => (
        <m.EntityPreviewsCard />
      )),
  },
});

/** Where the org-wide page is mounted (new frontend system). @alpha */
export const previewsPageRouteRef = createRouteRef();

/** The org-wide page of all live previews, at `/previews`. @alpha */
export const previewsPage = PageBlueprint.make({
  params: {
    path: '/previews',
    routeRef: previewsPageRouteRef,
    title: 'Previews',
    // With a route, an icon and a title the page gets an entry in the sidebar.
    icon: <PreviewIcon fontSize="inherit" />,
    loader: () =>
      import('./components/PreviewsPage').then(m => (
        <m.PreviewsPage hideHeader />
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
  routes: { page: previewsPageRouteRef },
  extensions: [
    previewsApi,
    previewsEntityContent,
    previewsEntityCard,
    previewsPage,
  ],
});
