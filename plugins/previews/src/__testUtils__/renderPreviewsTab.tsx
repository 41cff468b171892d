import { InMemoryPreviewsApi } from './InMemoryPreviewsApi';
import { EntityPreviewsContent } from '../components/EntityPreviewsContent';
import { Allowed, renderWithPreviews } from './renderWithPreviews';

/** Renders the entity's Previews tab, polling fast. */
export async function renderPreviewsTab(
  api: InMemoryPreviewsApi,
  allowed?: Allowed,
) {
  await renderWithPreviews(<EntityPreviewsContent pollIntervalMs={50} />, api, {
    allowed,
  });
}
