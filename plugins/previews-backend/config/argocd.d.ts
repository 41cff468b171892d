import { HumanDuration } from '@backstage/types';
// `previews.argocd` of the plugin's config schema (config.d.ts documents the block itself).
import { ClusterConnectionConfig } from './clusterConnection';

export interface ArgoCdConfig {
  /** Namespace Argo CD reads Applications from. Default: `argocd`. */
  namespace?: string;
  /** Argo CD project when the spec names none. Default: `default`. */
  project?: string;
  /** API server URL of the cluster previews are deployed to. Default: `https://kubernetes.default.svc`. */
  destinationServer?: string;
  /**
   * Kubernetes API of the cluster hosting Argo CD, in the shape of
   * `previews.kubernetes` (kubeconfig, inCluster, cluster or clusters).
   * Default: the default cluster of `previews.kubernetes`.
   */
  kubernetes?: ClusterConnectionConfig;
  /** Base URL of the Argo CD server (UI links; REST API with token or username/password). Optional. */
  url?: string;
  /**
   * Argo CD API token for sync requests on redeploy.
   * @visibility secret
   */
  token?: string;
  /** Argo CD user that logs in (`POST /api/v1/session`) when no token is given. */
  username?: string;
  /** @visibility secret */
  password?: string;
  /** Timeout of one Argo CD REST request, in seconds. Default: 10. */
  requestTimeoutSeconds?: number;
  /**
   * `requestTimeoutSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
   * an ISO 8601 duration. Set one of the two.
   */
  requestTimeout?: HumanDuration | string;
}
