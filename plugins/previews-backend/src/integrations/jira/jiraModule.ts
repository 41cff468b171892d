import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { previewsStatusListenersExtensionPoint } from '@backstage-previews/plugin-previews-node';
import { JiraLinker, jiraOptionsFromConfig } from './JiraLinker';

/**
 * Links previews to the Jira issues their branch or pull request names,
 * when `previews.jira` is configured: a status listener. Installed by default.
 *
 * @public
 */
export const previewsModuleJira = createBackendModule({
  pluginId: 'previews',
  moduleId: 'jira',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        listeners: previewsStatusListenersExtensionPoint,
      },
      async init({ rootConfig, logger, listeners }) {
        // Checked at startup: incomplete Jira config stops the backend with the key to set.
        const options = jiraOptionsFromConfig(
          rootConfig.getOptionalConfig('previews.jira'),
        );
        if (options)
          listeners.addStatusListener(
            new JiraLinker(options, logger.child({ integration: 'jira' })),
          );
      },
    });
  },
});
