import { HumanDuration } from '@backstage/types';
// `previews.kubernetes` of the plugin's config schema (config.d.ts documents the block itself).
import { ClusterConnectionConfig } from './clusterConnection';

/** Besides the cluster settings, the one cluster's connection (kubeconfig, inCluster or cluster). */
export interface KubernetesConfig extends ClusterConnectionConfig {
  /**
   * Where a catalog spec's `secrets[].copyFrom` may copy from (a repo
   * file at a PR head may not name secrets at all). Without entries,
   * nothing may be copied: a spec naming a secret is refused with a 400.
   */
  secretSources?: Array<{
    /** The source namespace, exactly. */
    namespace: string;
    /** Secret names, exact or with `*` (`stripe-*`). Default: every secret of the namespace. */
    names?: string[];
    /** Only these components (entity refs) may copy from it. Default: any. */
    components?: string[];
  }>;
  /**
   * Namespace-scoped Secret access: the backend's identity has no
   * cluster-wide right to Secrets (deploy/rbac). Each preview namespace
   * gets a RoleBinding `backstage-previews-secrets` of `clusterRole` to
   * `subject`, applied right after the namespace. Without it the backend
   * needs Secrets cluster-wide.
   */
  secretAccess?: {
    /** A ClusterRole granting Secrets, which the backend may `bind` (deploy/rbac: `backstage-previews-namespace-secrets`). */
    clusterRole: string;
    /** The backend's own identity (a `system:` group, which holds more than the backend, is refused). */
    subject: {
      kind: 'ServiceAccount' | 'User' | 'Group';
      name: string;
      /** Of a ServiceAccount only. */
      namespace?: string;
    };
  };
  /**
   * The placement a catalog spec may choose (a repo file at a PR head may
   * not set placement at all). Without it, a spec setting `nodeSelector`
   * or `tolerations` is refused with a 400.
   */
  placement?: {
    /** Node label key → the values specs may select, e.g. `{ pool: [spot, general] }`. */
    nodeSelector?: { [key: string]: string[] };
    /** Tolerations specs may carry, each exactly as written here. */
    tolerations?: Array<{
      key?: string;
      operator?: 'Exists' | 'Equal';
      value?: string;
      effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
    }>;
  };
  /**
   * Pod Security Admission labels of preview namespaces. Default:
   * `restricted` in every mode; with `enforce: restricted` the rendered
   * pods carry what it requires (non-root, RuntimeDefault seccomp, no
   * privilege escalation, every capability dropped). Images whose user
   * is root or named need a spec `runAsUser`, or `enforce: baseline`.
   * (Kubernetes engine; Argo CD previews' namespaces get no labels.)
   */
  podSecurity?: {
    /** false: no labels. */
    enabled?: boolean;
    enforce?: 'privileged' | 'baseline' | 'restricted';
    warn?: 'privileged' | 'baseline' | 'restricted';
    audit?: 'privileged' | 'baseline' | 'restricted';
  };
  /** Name of the single cluster (what specs name in `cluster`). Default: `default`. */
  name?: string;
  /** Several clusters; a spec or the annotation `backstage-previews.io/cluster` picks one. */
  clusters?: Array<ClusterConnectionConfig & { name: string }>;
  /** Cluster for previews that name none. Default: the first of `clusters`. */
  defaultCluster?: string;
  /**
   * `ingressClassName` of preview Ingresses; the cluster's default when unset.
   * @deprecated Use `ingress.className`.
   */
  ingressClassName?: string;
  /** The Ingress `preview` of each preview with a host. */
  ingress?: {
    /** `ingressClassName` of preview Ingresses; the cluster's default when unset. */
    className?: string;
    /** Annotations added to every preview Ingress, e.g. `cert-manager.io/cluster-issuer`. */
    annotations?: { [name: string]: string };
    /** Secret holding the TLS certificate of preview hosts, in each preview's namespace. */
    tlsSecretName?: string;
  };
  /**
   * NetworkPolicy `preview-isolation`: pods of a preview accept traffic only
   * from their own namespace and from the ingress controller's namespaces.
   */
  networkPolicy?: {
    /** Default: true. */
    enabled?: boolean;
    /**
     * Labels of the namespaces allowed in (all must match). Default:
     * `kubernetes.io/metadata.name: ingress-nginx`.
     */
    ingressNamespaceSelector?: { [label: string]: string };
  };
  /**
   * NetworkPolicy `preview-egress` of each preview's namespace: its pods
   * may connect to their namespace, DNS (port 53), the previews they are
   * routed to, and `allowCidrs` minus `blockCidrs`. The apiserver's
   * address (when the cluster URL is an IPv4 address) is blocked too.
   */
  egress?: {
    /** Default: true. */
    enabled?: boolean;
    /** Default: `0.0.0.0/0`. IPv4 or IPv6 CIDRs. */
    allowCidrs?: string[];
    /**
     * IPv4 CIDRs carved out of the allowed ranges they lie in. Default:
     * `169.254.0.0/16` (cloud metadata). Add your apiserver's endpoint
     * addresses when the cluster URL is a host name.
     */
    blockCidrs?: string[];
  };
  /** ResourceQuota `preview-quota` of each preview's namespace. */
  resourceQuota?: {
    /** Default: true. */
    enabled?: boolean;
    /**
     * `spec.hard` of the quota; replaces the default `requests.cpu: 2`,
     * `requests.memory: 4Gi`, `limits.cpu: 4`, `limits.memory: 8Gi`, `pods: 20`,
     * `requests.storage: 20Gi`, `persistentvolumeclaims: 4`.
     */
    hard?: { [resource: string]: string | number };
  };
  /** LimitRange `preview-limits`: requests and limits of containers that set none. */
  limitRange?: {
    /** Default: true. */
    enabled?: boolean;
    /** Default requests of a container. Default: `cpu: 50m`, `memory: 64Mi`. */
    defaultRequest?: { [resource: string]: string | number };
    /** Default limits of a container. Default: `cpu: 500m`, `memory: 512Mi`. */
    default?: { [resource: string]: string | number };
  };
  /**
   * Seconds a Deployment of a preview may take to progress before the
   * preview is reported as failed. Default: 300.
   */
  progressDeadlineSeconds?: number;
  /**
   * `progressDeadlineSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
   * an ISO 8601 duration. Set one of the two.
   */
  progressDeadline?: HumanDuration | string;
}
