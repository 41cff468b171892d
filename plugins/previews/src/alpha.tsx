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
import { z } from 'zod';
import { PreviewsClient, previewsApiRef } from './api';

export { previewsTranslationRef } from './translation';

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

/**
 * How often each view refreshes by polling, in `app.extensions` config. The
 * backend's signals refresh them at once; polling is the fallback (an app
 * without the signals plugin, a dropped connection).
 */
const pollConfigSchema = {
  /** While a preview is changing state; 2000 by default. */
  pollIntervalMs: z.number().int().min(500).optional(),
  /** While nothing is changing; 30000 by default. */
  idlePollIntervalMs: z.number().int().min(1000).optional(),
};

/** The Previews tab of components that have previews enabled. @alpha */
export const previewsEntityContent = EntityContentBlueprint.makeWithOverrides({
  configSchema: pollConfigSchema,
  factory(originalFactory, { config }) {
    return originalFactory({
      path: 'previews',
      title: 'Previews',
      filter: isPreviewsAvailable,
      loader: () =>
        import('./components/EntityPreviewsContent').then(m => (
          <m.EntityPreviewsContent
            pollIntervalMs={config.pollIntervalMs}
            idlePollIntervalMs={config.idlePollIntervalMs}
          />
        )),
    });
  },
});

/** The overview card of components that have previews enabled. @alpha */
export const previewsEntityCard = EntityCardBlueprint.makeWithOverrides({
  configSchema: pollConfigSchema,
  factory(originalFactory, { config }) {
    return originalFactory({
      filter: isPreviewsAvailable,
      loader: () =>
        import('./components/EntityPreviewsCard').then(m => (
          <m.EntityPreviewsCard
            pollIntervalMs={config.pollIntervalMs}
            idlePollIntervalMs={config.idlePollIntervalMs}
          />
        )),
    });
  },
});

/** Where the org-wide page is mounted (new frontend system). @alpha */
export const previewsPageRouteRef = createRouteRef();

/** The org-wide page of all live previews, at `/previews`. @alpha */
export const previewsPage = PageBlueprint.makeWithOverrides({
  configSchema: pollConfigSchema,
  factory(originalFactory, { config }) {
    return originalFactory({
      path: '/previews',
      routeRef: previewsPageRouteRef,
      title: 'Previews',
      // With a route, an icon and a title the page gets an entry in the sidebar.
      icon: <PreviewIcon fontSize="inherit" />,
      loader: () =>
        import('./components/PreviewsPage').then(m => (
          <m.PreviewsPage
            hideHeader
            pollIntervalMs={config.pollIntervalMs}
            idlePollIntervalMs={config.idlePollIntervalMs}
          />
        )),
    });
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
