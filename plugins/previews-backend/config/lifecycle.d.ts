// `previews.lifecycle` of the plugin's config schema (config.d.ts documents the block itself).
export interface LifecycleConfig {
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
}
