import { LoggerService } from '@backstage/backend-plugin-api';

/** Records a preview's history event, when history is kept. */
export type RecordRerouteEvent = (
  previewId: string,
  event: { type: string; actor?: string; message: string },
) => Promise<void>;

/** A `rerouted` history event; history never fails the work it records. */
export async function recordReroute(
  options: { recordEvent?: RecordRerouteEvent; logger: LoggerService },
  previewId: string,
  actor: string,
  message: string,
): Promise<void> {
  try {
    await options.recordEvent?.(previewId, {
      type: 'rerouted',
      actor,
      message,
    });
  } catch (e) {
    options.logger.warn(
      `Recording a reroute of preview ${previewId} failed: ${e}`,
    );
  }
}
