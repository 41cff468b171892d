import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { loadClusters } from '../shared/loadKubeConfig';
import { DefaultRequests } from '../shared/resourceRequests';
import { ArgoCdEngine } from './ArgoCdEngine';
import { ArgoCdRestClient } from './ArgoCdRestClient';
import { readDurationSetting } from '../../config/durationSetting';

/**
 * The Argo CD engine of `previews.argocd`. Its Kubernetes connection is
 * `previews.argocd.kubernetes` (same shape as `previews.kubernetes`), else the
 * default cluster of `previews.kubernetes`.
 */
export async function argoCdEngineFromConfig(
  previews: Config,
  logger: LoggerService,
  /** Labels each Application (see database/installationId.ts). */
  installationId?: string,
  /** For the cost: what containers without requests get. */
  defaultRequests?: DefaultRequests,
  /** The root `kubernetes` block, for a connection that names one of its clusters. */
  kubernetesPlugin?: Config,
): Promise<ArgoCdEngine> {
  const argocd = previews.getConfig('argocd');
  const kubernetes =
    argocd.getOptionalConfig('kubernetes') ??
    previews.getOptionalConfig('kubernetes');
  if (!kubernetes) {
    throw new InputError(
      'previews.argocd needs previews.argocd.kubernetes or previews.kubernetes to reach the cluster that hosts Argo CD',
    );
  }
  const { clusters, defaultCluster } = await loadClusters(
    kubernetes,
    kubernetesPlugin,
  );
  const kc = clusters.find(c => c.name === defaultCluster)!.kc;
  const url = argocd.getOptionalString('url');
  const token = argocd.getOptionalString('token');
  const username = argocd.getOptionalString('username');
  const password = argocd.getOptionalString('password');
  const timeoutSeconds = readDurationSetting(argocd, 'requestTimeoutSeconds');
  const rest =
    url && (token || (username && password))
      ? new ArgoCdRestClient({
          url,
          token,
          username,
          password,
          timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : undefined,
        })
      : undefined;
  return ArgoCdEngine.create({
    kc,
    logger,
    argoNamespace: argocd.getOptionalString('namespace') ?? 'argocd',
    defaultProject: argocd.getOptionalString('project') ?? 'default',
    destinationServer:
      argocd.getOptionalString('destinationServer') ??
      'https://kubernetes.default.svc',
    uiUrl: url,
    rest,
    installationId,
    defaultRequests,
  });
}
