export interface Config {
  /** Backstage Previews: per-pull-request preview environments. */
  previews?: {
    /**
     * Engine used for new previews when a component does not choose one.
     * Default: `kubernetes`.
     */
    defaultEngine?: string;
    /**
     * Domain under which previews are reachable: a preview named `n` gets the
     * host `n.<baseDomain>` (its Ingress host and its URL). Without it previews
     * get no Ingress and no URL.
     */
    baseDomain?: string;
    /** Scheme of preview URLs. Default: `https`. */
    urlScheme?: 'http' | 'https';
    /**
     * How often every live preview is read back from its engine to catch up
     * on missed watch events and to retry destroys, in seconds. Default: 30.
     */
    reconcileIntervalSeconds?: number;
    /**
     * The preview spec used for anything a component's annotations
     * (`backstage-previews.io/image`, `backstage-previews.io/port`) leave out.
     */
    defaultSpec?: {
      /** Container image; `{branch}` becomes the branch's slug. */
      image?: string;
      /** Port the container listens on. */
      port?: number;
      /** Environment variables of the container. */
      env?: { [name: string]: string };
      /** Replicas of the workload. Default: 1. */
      replicas?: number;
    };
    /**
     * The cluster of the Kubernetes engine. Give exactly one of `kubeconfig`,
     * `inCluster` or `cluster`; without this block the engine is not started.
     */
    kubernetes?: {
      /** Path of a kubeconfig file. */
      kubeconfig?: string;
      /** Context of the kubeconfig to use; its current context when unset. */
      context?: string;
      /** Use the service account of the pod the backend runs in. */
      inCluster?: boolean;
      /** One cluster, in the shape of Backstage's `kubernetes.clusterLocatorMethods` entries. */
      cluster?: {
        name?: string;
        url: string;
        /** @visibility secret */
        serviceAccountToken?: string;
        /** Base64 PEM of the cluster's CA. */
        caData?: string;
        /** Path of the cluster's CA file. */
        caFile?: string;
        skipTLSVerify?: boolean;
      };
      /** `ingressClassName` of preview Ingresses; the cluster's default when unset. */
      ingressClassName?: string;
    };
  };
}
