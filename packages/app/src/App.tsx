import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import previewsPlugin from '@backstage-previews/plugin-previews/alpha';
import { signInModule } from './modules/signIn';

/**
 * The portal. The app plugin (added by `createApp`) provides the layout and a
 * sidebar listing every page, here the catalog; app-config mounts the catalog
 * at `/`. Signals push the backend's changes to open pages (the Previews tab
 * refreshes at once); notifications show the previews' expiry warnings.
 */
const app = createApp({
  features: [
    catalogPlugin,
    signalsPlugin,
    notificationsPlugin,
    previewsPlugin,
    signInModule,
  ],
});

export default app;
