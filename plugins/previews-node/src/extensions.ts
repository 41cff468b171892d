import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PreviewEngine } from './PreviewEngine';
import { PreviewStatusListener } from './statusListeners';

/**
 * What the plugin hands an engine factory once its database is ready.
 *
 * @public
 */
export interface PreviewEngineContext {
  /**
   * This installation's id. An engine labels what it creates with it, so
   * the orphan sweep of one Backstage never touches another's previews.
   */
  installationId: string;
}

/**
 * Builds an engine when the plugin starts (an engine that needs the
 * installation id is added this way).
 *
 * @public
 */
export type PreviewEngineFactory = (
  context: PreviewEngineContext,
) => Promise<PreviewEngine>;

/**
 * Lets backend modules add preview engines: an engine, or a factory the
 * plugin calls at startup. Two engines with one id are refused.
 *
 * @public
 */
export interface PreviewsEnginesExtensionPoint {
  addEngine(engine: PreviewEngine | PreviewEngineFactory): void;
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
