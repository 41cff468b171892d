import { HumanDuration } from '@backstage/types';
// `previews.jira` of the plugin's config schema (config.d.ts documents the block itself).
export interface JiraConfig {
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
  /**
   * `requestTimeoutSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
   * an ISO 8601 duration. Set one of the two.
   */
  requestTimeout?: HumanDuration | string;
}
