import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * A cluster of the Kubernetes plugin's config, `kubernetes.clusterLocatorMethods`
 * (type `config`), found by name: its `url`, CA and service account token
 * serve previews too, so a cluster is configured once. Only the
 * `serviceAccount` auth provider can be shared: the others (google, aws,
 * azure, oidc, ...) sign requests through the Kubernetes backend's own auth
 * strategies, which another plugin cannot call. Pure.
 */
export function kubernetesPluginCluster(
  kubernetes: Config | undefined,
  name: string,
): Config {
  const where = `previews.kubernetes: kubernetesPluginCluster ${JSON.stringify(
    name,
  )}`;
  const clusters = (
    kubernetes?.getOptionalConfigArray('clusterLocatorMethods') ?? []
  )
    .filter(method => method.getOptionalString('type') === 'config')
    .flatMap(method => method.getOptionalConfigArray('clusters') ?? []);
  const cluster = clusters.find(c => c.getOptionalString('name') === name);
  if (!cluster) {
    const names = clusters.map(c => c.getOptionalString('name')).join(', ');
    throw new InputError(
      `${where} is not a cluster of kubernetes.clusterLocatorMethods (type config)${
        names ? `; its clusters are ${names}` : ''
      }`,
    );
  }
  const authProvider = cluster.getOptionalString('authProvider');
  if (authProvider !== 'serviceAccount') {
    throw new InputError(
      `${where} uses authProvider ${authProvider}; previews can share only serviceAccount clusters (a serviceAccountToken in config). Give previews their own kubeconfig or cluster entry instead`,
    );
  }
  if (!cluster.getOptionalString('serviceAccountToken')) {
    throw new InputError(
      `${where} has no serviceAccountToken in config, which previews need to share it`,
    );
  }
  return cluster;
}
