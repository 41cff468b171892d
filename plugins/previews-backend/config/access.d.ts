import { HumanDuration } from '@backstage/types';
// `previews.access` of the plugin's config schema (config.d.ts documents the block itself).
export interface AccessConfig {
  /**
   * `portal` (default): a preview's URL opens only through the portal's
   * Open (for users with `read` on the component), a share link or the
   * preview's bypass token; its Ingress asks the backend before each
   * request (forward auth). `public`: anyone who knows the URL.
   */
  mode?: 'portal' | 'public';
  /**
   * The previews API as the ingress controller reaches it, e.g.
   * `http://backstage.backstage.svc:7007/api/previews`. Default: the
   * backend's own (discovery's internal URL).
   */
  checkBaseUrl?: string;
  /** The previews API as browsers reach it (the sign-in and wake page). Default: discovery's external URL. */
  signinBaseUrl?: string;
  /** How long Open's URL token works, in seconds (it is traded for a cookie on first use). Default: 300. */
  openTokenSeconds?: number;
  /**
   * `openTokenSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
   * an ISO 8601 duration. Set one of the two.
   */
  openToken?: HumanDuration | string;
  /** How long the cookie Open's token gives lasts, in hours. Default: 8. */
  sessionHours?: number;
  /**
   * `sessionHours` as a duration (Backstage's HumanDuration): `{ hours: 72 }`, '72h' or
   * an ISO 8601 duration. Set one of the two.
   */
  session?: HumanDuration | string;
  /** A share link's life when its creator does not say, in hours. Default: 24. */
  shareLinkDefaultHours?: number;
  /**
   * `shareLinkDefaultHours` as a duration (Backstage's HumanDuration): `{ hours: 72 }`, '72h' or
   * an ISO 8601 duration. Set one of the two.
   */
  shareLinkDefault?: HumanDuration | string;
  /** The longest a share link may last, in hours (never past the preview's expiry). Default: 168. */
  shareLinkMaxHours?: number;
  /**
   * `shareLinkMaxHours` as a duration (Backstage's HumanDuration): `{ hours: 72 }`, '72h' or
   * an ISO 8601 duration. Set one of the two.
   */
  shareLinkMax?: HumanDuration | string;
}
