import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { PreviewEngine } from '@backstage-previews/plugin-previews-node';
import { KubernetesEngine } from './kubernetes/KubernetesEngine';
import { SharedPostgres } from './kubernetes/SharedPostgres';
import { secretSourcesFromConfig } from './kubernetes/secretSources';
import { placementPolicyFromConfig } from './kubernetes/placementPolicy';
import { loadClusters } from './shared/loadKubeConfig';
import { renderOptionsFromConfig } from './kubernetes/render';
import { argoCdEngineFromConfig } from './argocd/argoCdEngineFromConfig';
import { defaultRequestsOf } from './shared/resourceRequests';

/**
 * The engines previews run on: the Kubernetes engine when
 * `previews.kubernetes` is configured, the Argo CD engine when
 * `previews.argocd` is, and those modules added (an added engine with the
 * id of a built-in one replaces it).
 */
export async function installedEngines(options: {
  /** The `previews` config block. */
  config?: Config;
  logger: LoggerService;
  /** Labels every preview's namespace or Application: the orphan sweep touches only its own. */
  installationId: string;
  added: readonly PreviewEngine[];
}): Promise<Map<string, PreviewEngine>> {
  const { config, logger, installationId } = options;
  const engines = new Map<string, PreviewEngine>();
  const kubernetesConfig = config?.getOptionalConfig('kubernetes');
  if (kubernetesConfig) {
    const engine = await KubernetesEngine.create({
      ...(await loadClusters(kubernetesConfig)),
      logger: logger.child({ engine: 'kubernetes' }),
      render: { ...renderOptionsFromConfig(kubernetesConfig), installationId },
      // Per-preview databases (issue 7): on a shared PostgreSQL server instead of one per preview.
      sharedPostgres: SharedPostgres.fromConfig(config?.getOptionalConfig('databases.postgres.shared')),
      seedDownloadImage: config?.getOptionalString('databases.seedDownloadImage'),
      secretSources: secretSourcesFromConfig(kubernetesConfig),
      placement: placementPolicyFromConfig(kubernetesConfig),
    });
    engines.set(engine.id, engine);
  }
  if (config?.has('argocd')) {
    // Its cost counts containers without requests as previews.kubernetes' LimitRange does.
    const defaultRequests = defaultRequestsOf(renderOptionsFromConfig(kubernetesConfig).limitRange);
    const engine = await argoCdEngineFromConfig(config, logger.child({ engine: 'argocd' }), installationId, defaultRequests);
    engines.set(engine.id, engine);
  }
  for (const engine of options.added) engines.set(engine.id, engine);
  return engines;
}
