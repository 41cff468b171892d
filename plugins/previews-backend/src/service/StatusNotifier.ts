import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PreviewStatus,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewFollowUp,
  PreviewStatusListener,
} from '@backstage-previews/plugin-previews-node';
import type { StoredPreview } from '../types';

/**
 * Tells every status listener of a change, in the background: a listener's
 * error is logged and never fails the change. Listeners are handed the
 * follow-up (the use cases they may call), not a reference kept from wiring.
 */
export class StatusNotifier {
  constructor(
    private readonly listeners: ReadonlyArray<
      PreviewStatusListener<StoredPreview>
    >,
    private readonly logger: LoggerService,
    readonly followUp: PreviewFollowUp,
  ) {}

  notify(preview: StoredPreview, previous: PreviewStatus | undefined) {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener.onStatusChange(preview, previous, this.followUp))
        .catch(e =>
          this.logger.warn(
            `A status listener failed for preview ${preview.name}: ${e}`,
          ),
        );
    }
  }

  /** Tells the listeners that hear of them that a preview changed without a status change. */
  notifyUpdate(preview: StoredPreview) {
    for (const listener of this.listeners) {
      if (!listener.onUpdate) continue;
      Promise.resolve()
        .then(() => listener.onUpdate!(preview))
        .catch(e =>
          this.logger.warn(
            `A listener failed for an update of preview ${preview.name}: ${e}`,
          ),
        );
    }
  }

  /** Tells every listener that hears of smoke tests that a run started or ended. */
  notifyTestRun(preview: StoredPreview, tests: PreviewTestRun) {
    for (const listener of this.listeners) {
      if (!listener.onTestRun) continue;
      Promise.resolve()
        .then(() => listener.onTestRun!(preview, tests))
        .catch(e =>
          this.logger.warn(
            `A listener failed for the smoke tests of preview ${preview.name}: ${e}`,
          ),
        );
    }
  }
}
