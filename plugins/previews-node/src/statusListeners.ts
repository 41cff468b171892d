import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Preview,
  PreviewStatus,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';

/**
 * What a status listener may do in response to a change. Handed to every
 * call so that follow-up work (rewiring dependents, for example) goes
 * through the use cases instead of a reference kept from wiring time.
 *
 * @public
 */
export interface PreviewFollowUp {
  /** Re-renders and applies a preview from its spec at the branch head, as `POST /previews/:id/redeploy` does. */
  redeploy(
    previewId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Preview>;
}

/**
 * Told after every status change of a preview, creation included (then
 * `previous` is undefined). Listeners run in the background, one change
 * at a time per listener call; an error is logged and never fails the
 * change that was reported.
 *
 * @public
 */
export interface PreviewStatusListener<P extends Preview = Preview> {
  onStatusChange(
    preview: P,
    previous: PreviewStatus | undefined,
    followUp: PreviewFollowUp,
  ): Promise<void> | void;
  /** Told when a smoke test run of the preview starts, and again when it ends (`tests.status` says which). */
  onTestRun?(preview: P, tests: PreviewTestRun): Promise<void> | void;
  /**
   * Told when what is shown of a preview changed without a status change:
   * its pods, its seed, a test's result, its timeline.
   */
  onUpdate?(preview: P): Promise<void> | void;
}
