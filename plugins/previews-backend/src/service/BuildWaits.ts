import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { PreviewsStore } from '../database/PreviewsStore';
import { statusAfterBuildCheck } from '../lifecycle/previewLifecycle';
import type { PreviewBuildWait, StoredPreview } from '../types';
import { PreviewSources } from './PreviewSources';
import { targetOf } from './previewTarget';
import { Rollouts } from './Rollouts';
import { StatusNotifier } from './StatusNotifier';
import { validateSha } from './validation';

/** A CI check run of a commit, as GitHub reports it. */
export interface BuildCheck {
  name: string;
  sha: string;
  status?: string;
  conclusion?: string | null;
  url?: string;
}

/** The status message of a preview waiting for a check. */
export function waitMessage(wait: PreviewBuildWait, sha?: string): string {
  return `waiting for check ${wait.check}${
    sha ? ` of ${sha.slice(0, 7)}` : ''
  } to succeed`;
}

/** Waiting for a build, or failed because the build's check failed (then it keeps the check's link). */
export function canWaitAgain(preview: StoredPreview): boolean {
  return (
    preview.status === 'waiting-for-build' ||
    (preview.status === 'failed' && Boolean(preview.waitingFor))
  );
}

export interface BuildWaitsOptions {
  store: PreviewsStore;
  sources: PreviewSources;
  rollouts: Rollouts;
  notifier: StatusNotifier;
  /** The preview's host name, from its name. */
  hostOf(name: string): string | undefined;
}

/**
 * Previews that wait for their commit's required check before anything is
 * deployed (`waiting-for-build`): the check's success deploys them, its
 * failure fails them, a new commit makes them wait for that commit's check.
 */
export class BuildWaits {
  constructor(private readonly options: BuildWaitsOptions) {}

  /**
   * A preview waiting for its build learns the required check's state:
   * success deploys it now (waiting-for-build → provisioning), another
   * conclusion fails it, anything else (or another commit) changes nothing.
   * Returns the changed preview, or undefined.
   */
  async onBuildCheck(
    id: string,
    check: BuildCheck,
    credentials: BackstageCredentials,
  ): Promise<StoredPreview | undefined> {
    const preview = await this.options.store.get(id);
    if (
      !preview ||
      preview.status !== 'waiting-for-build' ||
      preview.sha !== check.sha
    )
      return undefined;
    const change = statusAfterBuildCheck(check);
    if (!change) return undefined;
    const waitingFor = {
      check: check.name,
      url: check.url ?? preview.waitingFor?.url,
    };
    if (change.status !== 'provisioning') {
      const failed = await this.options.store.transition(
        id,
        ['waiting-for-build'],
        {
          ...change,
          ...(waitingFor.url ? { waitingFor } : {}),
        },
      );
      if (failed) this.options.notifier.notify(failed, 'waiting-for-build');
      return failed;
    }
    const entity = await this.options.sources.previewableEntity(
      preview.entityRef,
      credentials,
    );
    const { spec, source, seedDump } = await this.options.sources.resolveSpec(
      entity,
      preview.branch,
      preview.sha,
    );
    const rollout = await this.options.rollouts.deploy({
      preview,
      // Compare-and-set first: of a webhook and a poll, only one deploys.
      start: () =>
        this.options.store.transition(id, ['waiting-for-build'], {
          ...change,
          specSource: source,
        }),
      failMessage: 'Deploying failed',
      announceAtStart: true,
      engine: this.options.sources.engineOf(preview),
      deployment: started => ({
        ...targetOf(started),
        spec,
        seedDump,
        host: this.options.hostOf(started.name),
        sha: started.sha,
        ...this.options.sources.componentFields(entity),
      }),
    });
    return rollout?.preview;
  }

  /**
   * A waiting preview's pull request moved to a new commit: it now waits for
   * that commit's check. So does a preview that failed because its check
   * failed (nothing of it was deployed).
   */
  async retarget(
    id: string,
    sha: unknown,
    wait: PreviewBuildWait,
  ): Promise<StoredPreview | undefined> {
    const newSha = validateSha(sha);
    const preview = await this.options.store.get(id);
    if (!preview || !canWaitAgain(preview)) return undefined;
    const updated = await this.options.store.transition(id, [preview.status], {
      status: 'waiting-for-build',
      statusMessage: waitMessage(wait, newSha),
      sha: newSha,
      waitingFor: wait,
    });
    if (updated) this.options.notifier.notify(updated, preview.status);
    return updated;
  }
}
