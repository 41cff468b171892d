import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { previewsEnginesExtensionPoint } from '@backstage-previews/plugin-previews-node';
import { defaultRequestsFromConfig } from '../shared/resourceRequests';
import { argoCdEngineFromConfig } from './argoCdEngineFromConfig';

/**
 * The Argo CD engine (an Application per preview), when `previews.argocd`
 * is configured. Installed by default.
 *
 * @public
 */
export const previewsModuleArgoCdEngine = createBackendModule({
  pluginId: 'previews',
  moduleId: 'argocd-engine',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        engines: previewsEnginesExtensionPoint,
      },
      async init({ rootConfig, logger, engines }) {
        const config = rootConfig.getOptionalConfig('previews');
        if (!config?.has('argocd')) return;
        // Its cost counts containers without requests as previews.kubernetes' LimitRange does.
        const defaultRequests = defaultRequestsFromConfig(
          config.getOptionalConfig('kubernetes'),
        );
        engines.addEngine(async ({ installationId }) =>
          argoCdEngineFromConfig(
            config,
            logger.child({ engine: 'argocd' }),
            installationId,
            defaultRequests,
            rootConfig.getOptionalConfig('kubernetes'),
          ),
        );
      },
    });
  },
});
