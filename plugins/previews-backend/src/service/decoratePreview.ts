import { Preview } from '@backstage-previews/plugin-previews-common';
import { PreviewEngine } from '@backstage-previews/plugin-previews-node';
import type { PreviewLifecycleHooks } from '../lifecycle/LifecycleHooks';
import type { PreviewBuildWait } from '../types';
import { targetOf } from './previewTarget';
import { withTestsPhase } from '../timeline/rolloutTimeline';

/**
 * A preview as the API answers it: with what its engine says of it (its
 * title, links such as the Argo CD UI), the CI check it waits for, and
 * what the lifecycle adds (cost, expiring soon), and its timeline with
 * the smoke test run that followed the rollout.
 */
export function decoratePreview<
  T extends Preview & { waitingFor?: PreviewBuildWait },
>(
  preview: T,
  engine: PreviewEngine | undefined,
  lifecycle: Pick<PreviewLifecycleHooks, 'decorate'> | undefined,
): T {
  const links = [...(engine?.linksOf?.(targetOf(preview)) ?? [])];
  if (preview.waitingFor?.url)
    links.push({
      title: `Check run: ${preview.waitingFor.check}`,
      url: preview.waitingFor.url,
    });
  const timeline = withTestsPhase(preview.timeline, preview.tests);
  const decorated = {
    ...preview,
    ...(engine?.title ? { engineTitle: engine.title } : {}),
    ...(links.length ? { links } : {}),
    ...(timeline ? { timeline } : {}),
  };
  return lifecycle ? lifecycle.decorate(decorated) : decorated;
}
