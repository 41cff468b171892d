import { LoggerService } from '@backstage/backend-plugin-api';
import { LIVE_PREVIEW_STATUSES } from '@backstage-previews/plugin-previews-common';
import {
  PreviewEngine,
  PreviewObservation,
} from '@backstage-previews/plugin-previews-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import { statusAfterObservation } from '../lifecycle/previewLifecycle';
import { isNewSeed } from '../seed/seedStatus';
import { targetOf } from './previewTarget';
import { withTestVerdict } from '../smoke/testRuns';
import { timelineAfterObservation } from '../timeline/rolloutTimeline';
import type { StoredPreview } from '../types';
import { StatusNotifier } from './StatusNotifier';

export interface StatusTrackerOptions {
  store: PreviewsStore;
  engines: ReadonlyMap<string, PreviewEngine>;
  notifier: StatusNotifier;
  logger: LoggerService;
  /** `previews.destroyTimeoutSeconds`: how long a destroy may take before it is shown stuck. */
  destroyTimeoutSeconds?: number;
  /** Hears what the engines observe of smoke test runs. */
  smokeTests?: {
    observed(
      preview: StoredPreview,
      tests: PreviewObservation['tests'],
    ): Promise<void>;
  };
}

/**
 * Keeps each preview's status true to what its engine sees: observations
 * from the engines' watches, and a periodic reconcile for what they missed.
 */
export class StatusTracker {
  constructor(private readonly options: StatusTrackerOptions) {}

  /** Applies what an engine saw in the cluster to the preview it belongs to. */
  async observe(
    observation: PreviewObservation,
    engineId?: string,
  ): Promise<void> {
    const preview = await this.options.store.findLiveByName(
      observation.name,
      observation.cluster,
    );
    if (!preview) return;
    // Engines may share a cluster: only the preview's own engine speaks for it.
    if (engineId && engineId !== preview.engine) return;
    // Objects left by an older preview of the same name say nothing about this one.
    if (observation.previewId && observation.previewId !== preview.id) return;
    // A failed smoke test run keeps a working preview degraded.
    const change = withTestVerdict(
      statusAfterObservation(
        preview.status,
        observation,
        new Date().toISOString(),
        {
          destroyingSince: preview.destroyStartedAt,
          destroyTimeoutSeconds: this.options.destroyTimeoutSeconds,
          provisioningSince: preview.updatedAt,
        },
      ),
      preview.tests,
    );
    const details = observation.details;
    const detailsChanged =
      details && JSON.stringify(details) !== JSON.stringify(preview.details);
    const seedChanged = isNewSeed(
      preview.seed,
      observation.seed,
      preview.seedGeneration ?? 1,
    );
    const statusChanged =
      change &&
      (change.status !== preview.status ||
        (change.statusMessage ?? undefined) !== preview.statusMessage);
    // The phases of the rollout so far; complete once this observation makes it ready.
    const timeline =
      preview.timeline &&
      timelineAfterObservation(
        preview.timeline,
        observation.marks,
        change?.readyAt,
      );
    if (!statusChanged && !detailsChanged && !seedChanged && !timeline) {
      await this.observeTests(preview, observation);
      return;
    }
    const updated = await this.options.store.transition(
      preview.id,
      [preview.status],
      {
        ...(statusChanged ? change! : { status: preview.status }),
        ...(detailsChanged ? { details } : {}),
        ...(seedChanged ? { seed: observation.seed } : {}),
        ...(timeline ? { timeline } : {}),
      },
    );
    if (updated && updated.status !== preview.status) {
      this.options.logger.info(`Preview ${preview.name} is ${updated.status}`);
      this.options.notifier.notify(updated, preview.status);
    } else if (updated) {
      this.options.notifier.notifyUpdate(updated);
    }
    await this.observeTests(updated ?? preview, observation);
  }

  /** Smoke test results, once the status is settled: their verdict may change it again. */
  private async observeTests(
    preview: StoredPreview,
    observation: PreviewObservation,
  ) {
    if (observation.tests)
      await this.options.smokeTests?.observed(preview, observation.tests);
  }

  /**
   * Reads every live preview from its engine once (engines answer from their
   * watch caches): catches up on anything a watch missed and retries destroys.
   */
  async reconcile(): Promise<void> {
    const live = await this.options.store.list({
      statuses: LIVE_PREVIEW_STATUSES,
    });
    for (const preview of live) {
      const engine = this.options.engines.get(preview.engine);
      if (!engine || preview.status === 'waiting-for-build') continue;
      try {
        if (preview.status === 'destroying')
          await engine.destroy(targetOf(preview));
        await this.observe(await engine.observe(targetOf(preview)), engine.id);
      } catch (e) {
        this.options.logger.warn(
          `Reconciling preview ${preview.name} failed: ${e}`,
        );
      }
    }
  }
}
