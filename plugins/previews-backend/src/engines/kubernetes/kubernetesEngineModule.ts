import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { previewsEnginesExtensionPoint } from '@backstage-previews/plugin-previews-node';
import { loadClusters } from '../shared/loadKubeConfig';
import { KubernetesEngine } from './KubernetesEngine';
import { placementPolicyFromConfig } from './placementPolicy';
import { renderOptionsFromConfig } from './render';
import { secretSourcesFromConfig } from './secretSources';
import { SharedPostgres } from './SharedPostgres';

/**
 * The Kubernetes engine (a namespace per preview, server-side apply), when
 * `previews.kubernetes` is configured. Installed by default; an adopter who
 * wants another engine with the id `kubernetes` installs the plugin without it.
 *
 * @public
 */
export const previewsModuleKubernetesEngine = createBackendModule({
  pluginId: 'previews',
  moduleId: 'kubernetes-engine',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        engines: previewsEnginesExtensionPoint,
      },
      async init({ rootConfig, logger, engines }) {
        const config = rootConfig.getOptionalConfig('previews');
        const kubernetes = config?.getOptionalConfig('kubernetes');
        if (!config || !kubernetes) return;
        engines.addEngine(async ({ installationId }) =>
          KubernetesEngine.create({
            ...(await loadClusters(
              kubernetes,
              rootConfig.getOptionalConfig('kubernetes'),
            )),
            logger: logger.child({ engine: 'kubernetes' }),
            render: { ...renderOptionsFromConfig(kubernetes), installationId },
            // Per-preview databases on a shared PostgreSQL server instead of one server per preview.
            sharedPostgres: SharedPostgres.fromConfig(
              config.getOptionalConfig('databases.postgres.shared'),
            ),
            seedDownloadImage: config.getOptionalString(
              'databases.seedDownloadImage',
            ),
            secretSources: secretSourcesFromConfig(kubernetes),
            placement: placementPolicyFromConfig(kubernetes),
          }),
        );
      },
    });
  },
});
