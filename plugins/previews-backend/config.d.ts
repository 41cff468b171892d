import { HumanDuration } from '@backstage/types';
import { ArgoCdConfig } from './config/argocd';
import { GithubConfig } from './config/github';
import { JiraConfig } from './config/jira';
import { AccessConfig } from './config/access';
import { KubernetesConfig } from './config/kubernetes';
import { LifecycleConfig } from './config/lifecycle';

export interface Config {
  /** Backstage Previews: per-pull-request preview environments. */
  previews?: {
    /**
     * Engine used for new previews when a component does not choose one.
     * Default: `kubernetes` when it is configured, else the only configured
     * engine. Without any engine the backend starts, lists previews and
     * refuses to create them (501, saying what to configure).
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
     * `reconcileIntervalSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
     * an ISO 8601 duration. Set one of the two.
     */
    reconcileInterval?: HumanDuration | string;
    /**
     * After this long in `destroying`, the preview's status message names
     * what keeps its namespace from going away (finalizers, remaining
     * objects). Default: 120.
     */
    destroyTimeoutSeconds?: number;
    /**
     * `destroyTimeoutSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
     * an ISO 8601 duration. Set one of the two.
     */
    destroyTimeout?: HumanDuration | string;
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
      /**
       * `frequencyMinutes` as a duration (Backstage's HumanDuration): `{ minutes: 10 }`, '10m' or
       * an ISO 8601 duration. Set one of the two.
       */
      frequency?: HumanDuration | string;
      /** Orphans younger than this are left alone. Default: 10. */
      minAgeMinutes?: number;
      /**
       * `minAgeMinutes` as a duration (Backstage's HumanDuration): `{ minutes: 10 }`, '10m' or
       * an ISO 8601 duration. Set one of the two.
       */
      minAge?: HumanDuration | string;
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
    lifecycle?: LifecycleConfig;
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
    kubernetes?: KubernetesConfig;
    /** Backstage's Kubernetes plugin. */
    kubernetesPlugin?: {
      /**
       * Label every object of a preview with `backstage.io/kubernetes-id`
       * (the component's annotation of that name, else its name), so the
       * component's Kubernetes tab lists the previews' pods next to its own.
       * Default: false (objects are labelled `app.kubernetes.io/part-of`
       * with the component's name either way).
       */
      kubernetesIdLabel?: boolean;
    };
    /**
     * GitHub: the branch picker, previews driven by a pull request label,
     * Deployments and one sticky comment per pull request. Needs
     * `integrations.github` (a token or a GitHub App); off when absent.
     */
    github?: GithubConfig;
    /**
     * Jira: a remote link on the issues named (`ABC-123`) in a preview's
     * branch or pull request title, added when the preview is ready and
     * updated when it is destroyed. Off when absent.
     */
    jira?: JiraConfig;
    /** Protected preview URLs: forward auth, Open, share links and bypass tokens. */
    access?: AccessConfig;
    /**
     * The Argo CD engine (`argocd`): one Argo CD Application per preview.
     * Installed when this block is present; chosen per component by the
     * spec's `engine`, the annotation `backstage-previews.io/engine`, or
     * `previews.defaultEngine`.
     */
    argocd?: ArgoCdConfig;
  };
}
