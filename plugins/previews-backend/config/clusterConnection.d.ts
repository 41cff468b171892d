// How the plugin reaches one Kubernetes API, shared by `previews.kubernetes`,
// its `clusters[]` and `previews.argocd.kubernetes`.

/** One cluster, in the shape of Backstage's `kubernetes.clusterLocatorMethods` entries. */
export interface ClusterEndpointConfig {
  name?: string;
  url: string;
  /** @visibility secret */
  serviceAccountToken?: string;
  /**
   * Base64 PEM of the cluster's CA.
   * @visibility secret
   */
  caData?: string;
  /** Path of the cluster's CA file. */
  caFile?: string;
  skipTLSVerify?: boolean;
}

/** A connection to a Kubernetes API: a kubeconfig (and context), the pod's service account, or a cluster entry. */
export interface ClusterConnectionConfig {
  /** Path of a kubeconfig file. */
  kubeconfig?: string;
  /** Context of the kubeconfig to use; its current context when unset. */
  context?: string;
  /** Use the service account of the pod the backend runs in. */
  inCluster?: boolean;
  cluster?: ClusterEndpointConfig;
  /**
   * A cluster of the Kubernetes plugin's `kubernetes.clusterLocatorMethods`
   * (type `config`), by name: previews connect with its url, CA and token, so
   * the cluster is configured once. Only `authProvider: serviceAccount`
   * clusters with a `serviceAccountToken` can be shared.
   */
  kubernetesPluginCluster?: string;
}
