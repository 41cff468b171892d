import { Preview } from '@backstage-previews/plugin-previews-common';
import { PreviewTarget } from '@backstage-previews/plugin-previews-node';

/** What an engine is told of a stored preview. */
export function targetOf(
  p: Preview & { seedGeneration?: number },
): PreviewTarget & { seedGeneration?: number } {
  return {
    previewId: p.id,
    name: p.name,
    entityRef: p.entityRef,
    branch: p.branch,
    ...(p.cluster ? { cluster: p.cluster } : {}),
    // Names the seed and migrate Jobs: every deploy keeps the current generation.
    ...(p.seedGeneration ? { seedGeneration: p.seedGeneration } : {}),
  };
}
