import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { previewsSourceControlExtensionPoint } from '../PreviewSourceControl';
import { GitHubPreviews } from './GitHubPreviews';
import { GitHubStore } from './GitHubStore';

/**
 * Pull requests on GitHub, when `previews.github` is configured: previews
 * from labels or every pull request, reported as deployments and a sticky
 * comment, the branch picker, build waits and pull request activity.
 * Installed by default.
 *
 * @public
 */
export const previewsModuleGitHub = createBackendModule({
  pluginId: 'previews',
  moduleId: 'github',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        sourceControl: previewsSourceControlExtensionPoint,
      },
      async init({ rootConfig, logger, auth, catalog, sourceControl }) {
        if (!rootConfig.has('previews.github')) return;
        sourceControl.setSourceControl(
          ({ store, database, describeExpiry }) =>
            new GitHubPreviews({
              ...{ rootConfig, store, catalog, auth, describeExpiry },
              githubStore: new GitHubStore(database),
              logger: logger.child({ scm: 'github' }),
            }),
        );
      },
    });
  },
});
