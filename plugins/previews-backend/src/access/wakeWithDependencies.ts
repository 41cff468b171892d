import { Preview } from '@backstage-previews/plugin-previews-common';

/**
 * Wakes a preview after waking the sleeping previews its dependencies
 * point to, so that what it calls is coming up first. A dependency that
 * cannot be woken (gone, awake, refused) does not stop the preview's wake.
 */
export async function wakeWithDependencies(
  previewId: string,
  previews: {
    get(id: string): Promise<Preview>;
    wake(id: string): Promise<unknown>;
  },
): Promise<void> {
  const preview = await previews.get(previewId);
  for (const dependency of preview.dependencies ?? []) {
    if (dependency.target !== 'preview' || !dependency.previewId) continue;
    const target = await previews
      .get(dependency.previewId)
      .catch(() => undefined);
    if (target?.status === 'sleeping')
      await previews.wake(target.id).catch(() => undefined);
  }
  await previews.wake(previewId);
}
