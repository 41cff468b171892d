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
     * Port of preview URLs, when the ingress controller does not listen on
     * the scheme's default port (a local cluster, say). Ingress hosts never
     * carry it. Default: none.
     */
    urlPort?: number;
    /**
     * How often every live preview is read back from its engine to catch up
     * on missed watch events and to retry destroys, in seconds. Default: 30.
     */
    reconcileIntervalSeconds?: number;
    /**
     * After this long in `destroying`, the preview's status message names
     * what keeps its namespace from going away (finalizers, remaining
     * objects). Default: 120.
     */
    destroyTimeoutSeconds?: number;
    /** Dependency wiring: which catalog relations make a component's dependencies. */
    dependencies?: {
      /**
       * Also wire the components providing the APIs a component consumes
       * (`consumesApi`, then the API's `apiProvidedBy`), besides its
       * `dependsOn` components. Default: false.
       */
      includeConsumedApis?: boolean;
    };
    /** Backing services of previews (the spec's `databases`). */
    databases?: {
      /** Image of the container that downloads `seed.url` dumps. Default: curlimages/curl. */
      seedDownloadImage?: string;
      postgres?: {
        /**
         * A shared PostgreSQL server (13 or later): each preview with
         * `databases.postgres` gets a database and a role with a random
         * password there (named `previews_<preview id>`) instead of a server
         * of its own; both are dropped when the preview is destroyed.
         */
        shared?: {
          host: string;
          /** Default: 5432. */
          port?: number;
          /** An administrator allowed to create databases and roles. */
          user: string;
          /** @visibility secret */
          password: string;
          /** Database the administrator connects to. Default: postgres. */
          database?: string;
          /** Host the preview pods reach the server at, when it differs from `host`. */
          hostInCluster?: string;
          portInCluster?: number;
        };
      };
    };
    /**
     * Labels every preview's namespace (Kubernetes engine) or Application
     * (Argo CD engine) as this installation's: the orphan sweep touches only
     * these. Default: an id generated once and stored in the database. Set it
     * to keep the id when moving to a new database (SQLite to PostgreSQL).
     */
    installationId?: string;
    /**
     * The orphan sweep: namespaces labelled as ours that no live preview owns.
     * Runs on one replica (scope global).
     */
    orphanSweep?: {
      /** Run the sweep at all. Default: true. */
      enabled?: boolean;
      /** Only report orphans (in the log and at GET /orphans). Default: true. */
      dryRun?: boolean;
      /** Default: 30. */
      frequencyMinutes?: number;
      /** Orphans younger than this are left alone. Default: 10. */
      minAgeMinutes?: number;
      /** More orphans than this in one sweep: nothing is deleted, an error is logged. Default: 10. */
      maxCount?: number;
      /** More than this share of the managed previews orphaned: nothing is deleted. Default: 0.5. */
      maxShare?: number;
    };
    /**
     * When previews expire, warnings, keep, idle timeout and sleep. The
     * reaper runs on one replica (scope global). A component may choose its
     * TTL with the annotation `backstage-previews.io/ttl-hours` (1 to
     * `maxLifetimeHours`).
     */
    lifecycle?: {
      /** Hours from creation until a preview expires. Default: 72. */
      ttlHours?: number;
      /** `POST /previews/:id/extend` cannot move the expiry past creation + this. Default: 168 (7 days). */
      maxLifetimeHours?: number;
      /**
       * A preview with no activity (pull request commits, comments, reviews;
       * extend, redeploy, wake) for this long expires, unless an extend asked
       * for longer. 0 turns it off. Default: 48.
       */
      idleHours?: number;
      /** The expiry warning (notification and PR comment line) goes out this long before. Default: 24. */
      warningHours?: number;
      /** Kept previews (keep, or the keep label) still expire this many days after creation; 0: never. Default: 30. */
      maxKeepDays?: number;
      /** A pull request with this label keeps its previews. Default: `preview-keep`. */
      keepLabel?: string;
      /** How often the reaper runs, in seconds. Default: 300. */
      checkIntervalSeconds?: number;
      /** Sleep: app workloads scaled to zero (databases stay) until woken. Opt-in. */
      sleep?: {
        /** Allow sleeping (on demand and when idle). Default: false. */
        enabled?: boolean;
        /** Minutes without activity before an idle preview is put to sleep. Default: 60. */
        idleMinutes?: number;
        /**
         * What else counts as use: `activity` (default) only activity (PR
         * commits, comments, reviews; extend, redeploy, wake);
         * `ingress-nginx-prometheus` also requests to the preview's ingress
         * within `idleMinutes`, read from Prometheus. A preview is idle only
         * when neither shows use; a failed metrics query never puts it to
         * sleep.
         */
        idleSource?: 'activity' | 'ingress-nginx-prometheus';
        /** Required for `idleSource: ingress-nginx-prometheus`. */
        prometheus?: {
          /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus.monitoring:9090`. */
          url: string;
          /**
           * Instant query; a positive value means traffic. Placeholders
           * `{namespace}`, `{window}`. Default:
           * `sum(increase(nginx_ingress_controller_requests{exported_namespace="{namespace}"}[{window}]))`.
           */
          query?: string;
          /**
           * Headers sent with each query, e.g. `Authorization`.
           * @visibility secret
           */
          headers?: { [name: string]: string };
        };
      };
    };
    /**
     * Limits on live previews; a create over one is refused (409) naming the
     * limit and the oldest previews that could be destroyed. Default: none.
     */
    quotas?: {
      perComponent?: number;
      /** Per owner group of the components. */
      perOwner?: number;
      /** Per user who created them (label-driven previews have none). */
      perUser?: number;
      total?: number;
    };
    /**
     * Unit prices for the cost estimate of each preview (`cost` on every
     * preview, `GET /summary`), applied to its requested CPU, memory and
     * database storage. Without this block no cost is shown.
     */
    cost?: {
      /** Default: `USD`. */
      currency?: string;
      cpuCoreHour?: number;
      memoryGiBHour?: number;
      storageGiBHour?: number;
      /** Fraction taken off CPU and memory when the spec targets spot nodes, 0 to 1. Default: 0. */
      spotDiscount?: number;
      /** Toleration or node selector key meaning spot nodes. Default: well-known keys (`spot`, `cloud.google.com/gke-spot`, …). */
      spotTolerationKey?: string;
    };
    /**
     * The preview spec of components that have none of their own (no
     * `.backstage/preview.yaml` in the repo, no `backstage-previews.io/spec`
     * or image/port annotations): a full spec (`workloads`, `expose`, …, see
     * the README), or the short form image/port/env/replicas for one workload.
     */
    defaultSpec?: {
      /** Full form: the workloads (see PreviewSpec in previews-common). */
      workloads?: Array<{ [key: string]: unknown }>;
      expose?: string;
      secrets?: Array<{ [key: string]: unknown }>;
      imagePullSecrets?: string[];
      nodeSelector?: { [key: string]: string };
      tolerations?: Array<{ [key: string]: unknown }>;
      cluster?: string;
      /** Short form: container image; `{branch}` becomes the branch's slug. */
      image?: string;
      /** Short form: port the container listens on. */
      port?: number;
      /** Short form: environment variables of the container. */
      env?: { [name: string]: string };
      /** Short form: replicas of the workload. Default: 1. */
      replicas?: number;
    };
    /**
     * The cluster(s) of the Kubernetes engine. Either this block is one
     * cluster (give exactly one of `kubeconfig`, `inCluster` or `cluster`),
     * or it lists `clusters` (each with the same keys and a `name`). Without
     * this block the engine is not started.
     */
    kubernetes?: {
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
        tolerations?: Array<{ key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }>;
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
      clusters?: Array<{
        name: string;
        kubeconfig?: string;
        context?: string;
        inCluster?: boolean;
        cluster?: {
          name?: string;
          url: string;
          /** @visibility secret */
          serviceAccountToken?: string;
          caData?: string;
          caFile?: string;
          skipTLSVerify?: boolean;
        };
      }>;
      /** Cluster for previews that name none. Default: the first of `clusters`. */
      defaultCluster?: string;
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
    };
    /**
     * GitHub: the branch picker, previews driven by a pull request label,
     * Deployments and one sticky comment per pull request. Needs
     * `integrations.github` (a token or a GitHub App); off when absent.
     */
    github?: {
      /** Host of the GitHub integration to use when a component does not say. Default: the first `integrations.github` host, else github.com. */
      host?: string;
      /** The label that asks for a preview. Default: `preview`. */
      label?: string;
      /** Skip draft pull requests. Default: true. */
      skipDrafts?: boolean;
      /** Skip pull requests from forks. Default: true. */
      skipForks?: boolean;
      /** Only pull requests into these base branches. Default: all. */
      baseBranches?: string[];
      /** Only pull requests that change a file matching one of these globs (monorepos). Default: all. */
      paths?: string[];
      /** How often the polling fallback for missed webhooks runs (pull request states, labelled pull requests, required checks), in minutes. Default: 5. */
      pollIntervalMinutes?: number;
      /** Timeout of one GitHub API request, in seconds. Default: 10. */
      requestTimeoutSeconds?: number;
      /**
       * Name of a check run (e.g. the job that builds the image) that must
       * have succeeded on the head commit before a pull request preview is
       * deployed; until then the preview is `waiting-for-build`. Default: none.
       */
      requiredCheck?: string;
    };
    /**
     * Jira: a remote link on the issues named (`ABC-123`) in a preview's
     * branch or pull request title, added when the preview is ready and
     * updated when it is destroyed. Off when absent.
     */
    jira?: {
      /** e.g. `https://acme.atlassian.net` */
      baseUrl: string;
      /** With `email`: basic auth `email:token` (Jira Cloud); without: a bearer token (Data Center). */
      email?: string;
      /** @visibility secret */
      token: string;
      /** The projects whose issue keys (in branch names and PR titles) get a link. Required. */
      projectKeys: string[];
      /** Timeout of one Jira request, in seconds. Default: 10. */
      requestTimeoutSeconds?: number;
    };
    /**
     * The Argo CD engine (`argocd`): one Argo CD Application per preview.
     * Installed when this block is present; chosen per component by the
     * spec's `engine`, the annotation `backstage-previews.io/engine`, or
     * `previews.defaultEngine`.
     */
    argocd?: {
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
      kubernetes?: {
        kubeconfig?: string;
        context?: string;
        inCluster?: boolean;
        cluster?: {
          name?: string;
          url: string;
          /** @visibility secret */
          serviceAccountToken?: string;
          /** @visibility secret */
          caData?: string;
          caFile?: string;
          skipTLSVerify?: boolean;
        };
      };
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
    };
  };
}
