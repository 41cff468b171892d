import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PreviewEngine } from './PreviewEngine';
import { PreviewStatusListener } from './statusListeners';

/** Lets backend modules add preview engines. @public */
export interface PreviewsEnginesExtensionPoint {
  addEngine(engine: PreviewEngine): void;
}

/** @public */
export const previewsEnginesExtensionPoint =
  createExtensionPoint<PreviewsEnginesExtensionPoint>({
    id: 'previews.engines',
  });

/**
 * Lets backend modules react to previews' status changes (report them to
 * an SCM, link them from a tracker, keep a history).
 *
 * @public
 */
export interface PreviewsStatusListenersExtensionPoint {
  addStatusListener(listener: PreviewStatusListener): void;
}

/** @public */
export const previewsStatusListenersExtensionPoint =
  createExtensionPoint<PreviewsStatusListenersExtensionPoint>({
    id: 'previews.statusListeners',
  });
