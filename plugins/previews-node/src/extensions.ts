import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PreviewEngine } from './PreviewEngine';

/** Lets backend modules add preview engines. @public */
export interface PreviewsEnginesExtensionPoint {
  addEngine(engine: PreviewEngine): void;
}

/** @public */
export const previewsEnginesExtensionPoint =
  createExtensionPoint<PreviewsEnginesExtensionPoint>({
    id: 'previews.engines',
  });
