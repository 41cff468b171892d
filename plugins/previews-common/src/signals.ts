import { PreviewStatus } from './types';

/**
 * The signal channel the previews backend publishes on (the signals
 * plugin) whenever what is shown of a preview changes.
 * @public
 */
export const PREVIEWS_SIGNAL_CHANNEL = 'previews';

/**
 * A message on {@link PREVIEWS_SIGNAL_CHANNEL}. It goes to every signed-in
 * user, so it carries ids only: a client re-fetches through the
 * permission-checked API.
 * @public
 */
export type PreviewSignal = {
  id: string;
  status: PreviewStatus;
};
