import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createPreviewAction } from './createPreviewAction';

/**
 * The `previews:create` action for the scaffolder: add it to a backend
 * that has the scaffolder and the previews plugin.
 *
 * @public
 */
export const previewsScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'previews',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(createPreviewAction({ discovery, auth }));
      },
    });
  },
});
