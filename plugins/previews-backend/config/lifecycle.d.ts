import { HumanDuration } from '@backstage/types';
// `previews.lifecycle` of the plugin's config schema (config.d.ts documents the block itself).
export interface LifecycleConfig {
  /** Hours from creation until a preview expires. Default: 72. */
  ttlHours?: number;
  /**
   * `ttlHours` as a duration (Backstage's HumanDuration): `{ hours: 72 }`, '72h' or
   * an ISO 8601 duration. Set one of the two.
   */
  ttl?: HumanDuration | string;
  /** `POST /previews/:id/extend` cannot move the expiry past creation + this. Default: 168 (7 days). */
  maxLifetimeHours?: number;
  /**
   * `maxLifetimeHours` as a duration (Backstage's HumanDuration): `{ hours: 72 }`, '72h' or
   * an ISO 8601 duration. Set one of the two.
   */
  maxLifetime?: HumanDuration | string;
  /**
   * A preview with no activity (pull request commits, comments, reviews;
   * extend, redeploy, wake) for this long expires, unless an extend asked
   * for longer. 0 turns it off. Default: 48.
   */
  idleHours?: number;
  /**
   * `idleHours` as a duration (Backstage's HumanDuration): `{ hours: 72 }`, '72h' or
   * an ISO 8601 duration. Set one of the two.
   */
  idle?: HumanDuration | string;
  /** The expiry warning (notification and PR comment line) goes out this long before. Default: 24. */
  warningHours?: number;
  /**
   * `warningHours` as a duration (Backstage's HumanDuration): `{ hours: 72 }`, '72h' or
   * an ISO 8601 duration. Set one of the two.
   */
  warning?: HumanDuration | string;
  /** Kept previews (keep, or the keep label) still expire this many days after creation; 0: never. Default: 30. */
  maxKeepDays?: number;
  /**
   * `maxKeepDays` as a duration (Backstage's HumanDuration): `{ days: 30 }`, '30d' or
   * an ISO 8601 duration. Set one of the two.
   */
  maxKeep?: HumanDuration | string;
  /** A pull request with this label keeps its previews. Default: `preview-keep`. */
  keepLabel?: string;
  /** How often the reaper runs, in seconds. Default: 300. */
  checkIntervalSeconds?: number;
  /**
   * `checkIntervalSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
   * an ISO 8601 duration. Set one of the two.
   */
  checkInterval?: HumanDuration | string;
  /** Sleep: app workloads scaled to zero (databases stay) until woken. Opt-in. */
  sleep?: {
    /** Allow sleeping (on demand and when idle). Default: false. */
    enabled?: boolean;
    /** Minutes without activity before an idle preview is put to sleep. Default: 60. */
    idleMinutes?: number;
    /**
     * `idleMinutes` as a duration (Backstage's HumanDuration): `{ minutes: 10 }`, '10m' or
     * an ISO 8601 duration. Set one of the two.
     */
    idle?: HumanDuration | string;
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
}
