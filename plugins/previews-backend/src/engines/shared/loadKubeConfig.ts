import { Config } from '@backstage/config';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import { kubernetesPluginCluster } from './kubernetesPluginCluster';

/** The client library is ESM-only; load it once from this CommonJS package. */
export type K8s = typeof import('@kubernetes/client-node');
let k8sModule: Promise<K8s> | undefined;
export function loadK8s(): Promise<K8s> {
  k8sModule ??= import('@kubernetes/client-node');
  return k8sModule;
}

/** A named cluster previews can run in. */
export interface ClusterConnection {
  name: string;
  kc: KubeConfig;
}

/**
 * The clusters of `previews.kubernetes`: either the block itself is one
 * cluster (named by `name`, default `default`), or it lists `clusters` and
 * names the `defaultCluster` (default: the first). `kubernetesPlugin` is
 * the root `kubernetes` block, for entries that name one of its clusters.
 */
export async function loadClusters(
  config: Config,
  kubernetesPlugin?: Config,
): Promise<{ clusters: ClusterConnection[]; defaultCluster: string }> {
  const entries = config.getOptionalConfigArray('clusters');
  if (!entries) {
    const name = config.getOptionalString('name') ?? 'default';
    return {
      clusters: [{ name, kc: await loadKubeConfig(config, kubernetesPlugin) }],
      defaultCluster: name,
    };
  }
  const clusters: ClusterConnection[] = [];
  for (const entry of entries) {
    const name = entry.getString('name');
    if (clusters.some(c => c.name === name)) {
      throw new InputError(`previews.kubernetes.clusters names ${name} twice`);
    }
    clusters.push({ name, kc: await loadKubeConfig(entry, kubernetesPlugin) });
  }
  if (!clusters.length)
    throw new InputError('previews.kubernetes.clusters is empty');
  const defaultCluster =
    config.getOptionalString('defaultCluster') ?? clusters[0].name;
  if (!clusters.some(c => c.name === defaultCluster)) {
    throw new InputError(
      `previews.kubernetes.defaultCluster ${defaultCluster} is not one of the clusters`,
    );
  }
  return { clusters, defaultCluster };
}

/** The ways of connecting that a cluster's config sets (one is expected). Pure. */
export function connectionForms(config: Config): string[] {
  const forms: string[] = [];
  if (config.has('kubeconfig')) forms.push('kubeconfig');
  if (config.getOptionalBoolean('inCluster')) forms.push('inCluster');
  if (config.has('cluster')) forms.push('cluster');
  if (config.has('kubernetesPluginCluster'))
    forms.push('kubernetesPluginCluster');
  return forms;
}

/**
 * Connects to one cluster: a kubeconfig file, the in-cluster service
 * account, one cluster entry in the shape of Backstage's
 * `kubernetes.clusterLocatorMethods` config, or (`kubernetesPluginCluster`)
 * a cluster of that config by name.
 */
export async function loadKubeConfig(
  config: Config,
  kubernetesPlugin?: Config,
): Promise<KubeConfig> {
  const forms = connectionForms(config);
  if (forms.length > 1) {
    // Which one was meant would be a guess, and a wrong guess deploys previews to another cluster.
    throw new InputError(
      `A previews cluster connection sets ${forms.join(
        ' and ',
      )}: give one of kubeconfig, inCluster, cluster or kubernetesPluginCluster`,
    );
  }
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  const kubeconfigFile = config.getOptionalString('kubeconfig');
  const shared = config.getOptionalString('kubernetesPluginCluster');
  const cluster = shared
    ? kubernetesPluginCluster(kubernetesPlugin, shared)
    : config.getOptionalConfig('cluster');
  if (kubeconfigFile) {
    kc.loadFromFile(kubeconfigFile);
    const context = config.getOptionalString('context');
    if (context) kc.setCurrentContext(context);
  } else if (config.getOptionalBoolean('inCluster')) {
    kc.loadFromCluster();
  } else if (cluster) {
    const name = cluster.getOptionalString('name') ?? 'previews';
    kc.loadFromClusterAndUser(
      {
        name,
        server: cluster.getString('url'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
      },
      {
        name: `${name}-user`,
        token: cluster.getOptionalString('serviceAccountToken'),
      },
    );
  } else {
    throw new InputError(
      'previews.kubernetes needs one of: kubeconfig (a file path), inCluster: true, cluster: {url, serviceAccountToken, caData}, or kubernetesPluginCluster (a cluster name of kubernetes.clusterLocatorMethods)',
    );
  }
  return kc;
}
