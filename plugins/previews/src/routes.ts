import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the Previews tab of an entity is mounted. */
export const rootRouteRef = createRouteRef({ id: 'previews' });
