import { HumanDuration } from '@backstage/types';
// `previews.github` of the plugin's config schema (config.d.ts documents the block itself).
export interface GithubConfig {
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
  /**
   * `pollIntervalMinutes` as a duration (Backstage's HumanDuration): `{ minutes: 10 }`, '10m' or
   * an ISO 8601 duration. Set one of the two.
   */
  pollInterval?: HumanDuration | string;
  /** Timeout of one GitHub API request, in seconds. Default: 10. */
  requestTimeoutSeconds?: number;
  /**
   * `requestTimeoutSeconds` as a duration (Backstage's HumanDuration): `{ seconds: 30 }`, '30s' or
   * an ISO 8601 duration. Set one of the two.
   */
  requestTimeout?: HumanDuration | string;
  /**
   * Name of a check run (e.g. the job that builds the image) that must
   * have succeeded on the head commit before a pull request preview is
   * deployed; until then the preview is `waiting-for-build`. Default: none.
   */
  requiredCheck?: string;
  /**
   * Whether the sticky comment shows a preview's URL only once its smoke
   * tests (the spec's `tests`) have passed. Default: false.
   */
  requireTestsToPass?: boolean;
}
