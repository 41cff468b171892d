import {
  PREVIEWS_SIGNAL_CHANNEL,
  PreviewSignal,
} from '@backstage-previews/plugin-previews-common';
import { PreviewStatusListener } from '@backstage-previews/plugin-previews-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { StoredPreview } from '../types';

/**
 * Pushes every change of a preview to the open portals (the signals
 * plugin), so a Previews tab refreshes at once instead of at its next
 * poll. The message is the preview's id and status only: each client
 * re-fetches what its user may read.
 */
export class PreviewSignals implements PreviewStatusListener<StoredPreview> {
  constructor(private readonly signals: Pick<SignalsService, 'publish'>) {}

  onStatusChange(preview: StoredPreview) {
    return this.publish(preview);
  }

  onTestRun(preview: StoredPreview) {
    return this.publish(preview);
  }

  onUpdate(preview: StoredPreview) {
    return this.publish(preview);
  }

  private publish(preview: StoredPreview) {
    return this.signals.publish<PreviewSignal>({
      recipients: { type: 'broadcast' },
      channel: PREVIEWS_SIGNAL_CHANNEL,
      message: { id: preview.id, status: preview.status },
    });
  }
}
