import type { DependencyRoutesStore } from '../database/DependencyRoutesStore';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { WiringPreview } from '../types';

/** Live previews that use a preview: by what their last deploy resolved, or by a stored route to it. */
export async function dependentsOf(
  stores: {
    store: Pick<PreviewsStore, 'liveIdsMentioning' | 'liveForWiring'>;
    routes: Pick<DependencyRoutesStore, 'routedTo'>;
  },
  previewId: string,
): Promise<WiringPreview[]> {
  // The text match may find a mention that is not a dependency: liveForWiring and the callers check.
  const ids = new Set([
    ...(await stores.store.liveIdsMentioning(previewId)),
    ...(await stores.routes.routedTo(previewId)),
  ]);
  return ids.size ? stores.store.liveForWiring({ ids: [...ids] }) : [];
}
