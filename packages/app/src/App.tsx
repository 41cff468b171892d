import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import previewsPlugin from '@backstage-previews/plugin-previews/alpha';
import { signInModule } from './modules/signIn';

/**
 * The portal. The app plugin (added by `createApp`) provides the layout and a
 * sidebar listing every page, here the catalog; app-config mounts the catalog
 * at `/`.
 */
const app = createApp({
  features: [catalogPlugin, previewsPlugin, signInModule],
});

export default app;
