import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  PreviewStatus,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';
import {
  DEFAULT_TEST_TIMEOUT_SECONDS,
  PreviewEngine,
  PreviewTestObservation,
} from '@backstage-previews/plugin-previews-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { StoredPreview } from '../types';
import {
  isTestsFailedMessage,
  pendingRun,
  runAfterObservation,
  startedRun,
  testsFailedMessage,
} from './testRuns';

/** Statuses in which a run starts: the preview answers (degraded only by the tests' own verdict or a workload problem). */
const TESTABLE: readonly PreviewStatus[] = ['ready', 'degraded'];
/** A run's bypass token outlives its longest test by this much. */
const TOKEN_MARGIN_SECONDS = 300;

export interface SmokeTestsOptions {
  store: PreviewsStore;
  engines: ReadonlyMap<string, PreviewEngine>;
  logger: LoggerService;
  /** Tells status listeners of a status change and of a run that started or ended. */
  notifier: {
    notify(preview: StoredPreview, previous: PreviewStatus | undefined): void;
    notifyTestRun(preview: StoredPreview, tests: PreviewTestRun): void;
    notifyUpdate(preview: StoredPreview): void;
  };
  /** A token past the preview's protected URL, good for `seconds`; undefined when preview URLs are public. */
  bypassFor?: (
    previewId: string,
    seconds: number,
  ) => Promise<{ token: string; header: string } | undefined>;
}

/**
 * The smoke tests of previews (the spec's `tests`): a rollout records a
 * pending run; it starts once the preview is ready, its results come from
 * the engine's observations, and its verdict marks the preview
 * `degraded: tests failed` (nothing is destroyed) or clears that again.
 * Starting and ending a run are compare-and-set on the stored run, so one
 * replica does each once.
 */
export class SmokeTests {
  constructor(private readonly options: SmokeTestsOptions) {}

  /** The status listener: a preview that became ready starts its pending run. */
  onStatusChange = async (preview: StoredPreview): Promise<void> => {
    if (preview.status === 'ready' && preview.tests?.status === 'pending')
      await this.start(preview);
  };

  /** Runs the tests of the rollout deployed once more (the portal's Re-run). */
  async rerun(preview: StoredPreview): Promise<StoredPreview> {
    const current = preview.tests;
    const plan = await this.options.store.testPlanOf(preview.id);
    if (!current || !plan)
      throw new InputError(`The preview spec of ${preview.name} has no tests`);
    if (!TESTABLE.includes(preview.status)) {
      throw new ConflictError(
        `Preview ${preview.name} is ${preview.status}; its tests run once it is ready`,
      );
    }
    if (current.status === 'running' || current.status === 'pending') {
      throw new ConflictError(
        `Run ${current.run} of the tests of ${preview.name} has not ended yet`,
      );
    }
    const { tests } = pendingRun(plan, 'rerun', current, preview.sha);
    const pending = await this.options.store.updateTests(
      preview.id,
      { run: current.run, statuses: [current.status] },
      tests!,
    );
    if (!pending)
      throw new ConflictError(
        `The tests of ${preview.name} changed meanwhile; nothing was started`,
      );
    return (await this.start(pending)) ?? pending;
  }

  /** Starts the pending run of a ready preview; undefined when another replica or a new rollout got there first. */
  private async start(
    preview: StoredPreview,
  ): Promise<StoredPreview | undefined> {
    const pending = preview.tests!;
    const engine = this.options.engines.get(preview.engine);
    const plan = await this.options.store.testPlanOf(preview.id);
    const running = await this.options.store.updateTests(
      preview.id,
      { run: pending.run, statuses: ['pending'] },
      startedRun(pending, new Date().toISOString(), preview.sha),
    );
    if (!running) return undefined;
    this.options.notifier.notifyTestRun(running, running.tests!);
    try {
      if (!engine?.tests || !plan)
        throw new Error(`the ${preview.engine} engine cannot run smoke tests`);
      const longest = Math.max(
        ...plan.tests.map(
          t => t.timeoutSeconds ?? DEFAULT_TEST_TIMEOUT_SECONDS,
        ),
      );
      const bypass = await this.options.bypassFor?.(
        preview.id,
        longest + TOKEN_MARGIN_SECONDS,
      );
      await engine.tests.start(
        {
          previewId: preview.id,
          name: preview.name,
          entityRef: preview.entityRef,
          branch: preview.branch,
          ...(preview.cluster ? { cluster: preview.cluster } : {}),
        },
        {
          run: pending.run,
          plan,
          ...(preview.sha ? { sha: preview.sha } : {}),
          ...(preview.url ? { url: preview.url } : {}),
          ...(bypass
            ? { bypassToken: bypass.token, bypassHeader: bypass.header }
            : {}),
        },
      );
      return running;
    } catch (e) {
      this.options.logger.warn(
        `Starting the smoke tests of preview ${preview.name} failed: ${e}`,
      );
      const message = `could not start: ${(e as Error).message}`;
      const failed: PreviewTestRun = {
        ...running.tests!,
        status: 'failed',
        finishedAt: new Date().toISOString(),
        results: running.tests!.results.map(r => ({
          ...r,
          status: 'failed',
          message,
        })),
      };
      return this.end(running, failed);
    }
  }

  /** What the engine observed of a preview's tests: records the results, and the verdict once the run ended. */
  async observed(
    preview: StoredPreview,
    observed: PreviewTestObservation | undefined,
  ): Promise<void> {
    if (!observed || !preview.tests) return;
    const next = runAfterObservation(
      preview.tests,
      observed,
      new Date().toISOString(),
    );
    if (!next) return;
    if (next.status === 'running') {
      const updated = await this.options.store.updateTests(
        preview.id,
        { run: next.run, statuses: ['running'] },
        next,
      );
      if (updated) this.options.notifier.notifyUpdate(updated);
      return;
    }
    await this.end(preview, next);
  }

  /** Records an ended run (once), tells the listeners, and applies its verdict to the preview's status. */
  private async end(
    preview: StoredPreview,
    ended: PreviewTestRun,
  ): Promise<StoredPreview | undefined> {
    const stored = await this.options.store.updateTests(
      preview.id,
      { run: ended.run, statuses: ['running'] },
      ended,
    );
    if (!stored) return undefined;
    this.options.notifier.notifyTestRun(stored, ended);
    const change = verdictChange(stored, ended);
    if (!change) return stored;
    const updated = await this.options.store.transition(
      stored.id,
      [change.from],
      { status: change.status, statusMessage: change.statusMessage },
    );
    if (updated) this.options.notifier.notify(updated, change.from);
    return updated ?? stored;
  }
}

/** The status change an ended run's verdict makes: a failure degrades a ready preview, a pass restores one it degraded. */
function verdictChange(stored: StoredPreview, ended: PreviewTestRun) {
  if (ended.status === 'failed' && stored.status === 'ready') {
    return {
      from: 'ready' as const,
      status: 'degraded' as const,
      statusMessage: testsFailedMessage(ended),
    };
  }
  if (
    ended.status === 'passed' &&
    stored.status === 'degraded' &&
    isTestsFailedMessage(stored.statusMessage)
  ) {
    return {
      from: 'degraded' as const,
      status: 'ready' as const,
      statusMessage: null,
    };
  }
  return undefined;
}
