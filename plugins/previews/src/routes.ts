import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the Previews tab of an entity is mounted. */
export const rootRouteRef = createRouteRef({ id: 'previews' });

/** Where the org-wide previews page is mounted (legacy frontend system). */
export const previewsPageRouteRef = createRouteRef({ id: 'previews:page' });
