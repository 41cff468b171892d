import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  PreviewDeployment,
  PreviewEngine,
  PreviewOwnershipError,
} from '@backstage-previews/plugin-previews-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import type {
  DeployDependencies,
  PreviewStatusChange,
  StoredPreview,
} from '../types';
import { StatusNotifier } from './StatusNotifier';

/**
 * One rollout, as every deploying use case records and applies it (see
 * `deployWithTransition`).
 */
export interface Rollout {
  /** The preview as read before (none for a create); its status is the `previous` listeners hear. */
  preview?: StoredPreview;
  /** Records the rollout (a compare-and-set or an insert); undefined when the preview changed meanwhile. */
  start(): Promise<StoredPreview | undefined>;
  /**
   * Puts the record back when the engine refused before applying anything
   * (a bad spec, a name owned by someone else). Without it a refusal fails
   * the preview like any other error.
   */
  undo?(started: StoredPreview): Promise<void>;
  /** Prefix of the status message of a preview whose deploy failed; without it, a failure is undone too. */
  failMessage?: string;
  /** Listeners hear of the rollout when it is recorded, rather than once it is applied. */
  announceAtStart?: boolean;
  engine: PreviewEngine;
  deployment(started: StoredPreview): PreviewDeployment;
}

export interface RolloutsOptions {
  store: PreviewsStore;
  /** Resolves the dependency URLs of every deploy (dependencies/DependencyWiring.ts). */
  dependencies?: DeployDependencies;
  notifier: StatusNotifier;
  logger: LoggerService;
}

/** Records, applies and, on an error, undoes or fails the rollouts of every use case. */
export class Rollouts {
  constructor(private readonly options: RolloutsOptions) {}

  /**
   * The one way a use case deploys (deployWithTransition): records the rollout, resolves the
   * dependency URLs, applies it, and on an error either puts the record
   * back (the engine refused before applying anything) or fails the
   * preview. Returns undefined when the preview changed meanwhile (nothing
   * was applied); else the preview as recorded, with the dependencies and
   * group the deploy resolved, or with the error if it failed.
   */
  async deploy(
    rollout: Rollout,
  ): Promise<{ preview: StoredPreview; error?: Error } | undefined> {
    const previous = rollout.preview?.status;
    const started = await rollout.start();
    if (!started) return undefined;
    if (rollout.announceAtStart)
      this.options.notifier.notify(started, previous);
    const deployment = rollout.deployment(started);
    let wired: StoredPreview | undefined;
    try {
      wired = await this.deployUnlessDestroyed(rollout.engine, deployment);
    } catch (e) {
      const refused =
        e instanceof InputError || e instanceof PreviewOwnershipError;
      if ((refused && rollout.undo) || !rollout.failMessage) {
        await rollout.undo?.(started);
        throw e instanceof PreviewOwnershipError
          ? new ConflictError(e.message)
          : e;
      }
      this.options.logger.error(
        `${rollout.failMessage} for preview ${started.name}: ${e}`,
      );
      const failed = await this.options.store.transition(
        started.id,
        [started.status],
        {
          status: 'failed',
          statusMessage: `${rollout.failMessage}: ${(e as Error).message}`,
        },
      );
      if (failed)
        this.options.notifier.notify(
          failed,
          rollout.announceAtStart ? started.status : previous,
        );
      return { preview: failed ?? started, error: e as Error };
    }
    if (!rollout.announceAtStart)
      this.options.notifier.notify(started, previous);
    const { dependencies, group } = wired ?? {};
    return {
      preview: {
        ...started,
        ...(dependencies ? { dependencies } : {}),
        ...(group ? { group } : {}),
      },
    };
  }

  /**
   * Puts a preview whose rollout was refused back as it was: status,
   * message and the given fields; only while it is still as the rollout
   * left it (a destroy meanwhile wins).
   */
  async putBack(
    started: StoredPreview,
    before: StoredPreview,
    fields: Omit<PreviewStatusChange, 'status'>,
  ) {
    await this.options.store.transition(started.id, [started.status], {
      status: before.status,
      statusMessage: before.statusMessage ?? null,
      ...fields,
    });
  }

  /**
   * Deploys with the preview's dependency URLs, then looks at the record
   * again: a destroy that ran while the objects were being applied found
   * less than there is now, so what was applied is destroyed too
   * (idempotent; only objects with this preview's id). Returns the record
   * as it is after the deploy.
   */
  private async deployUnlessDestroyed(
    engine: PreviewEngine,
    deployment: PreviewDeployment,
  ): Promise<StoredPreview | undefined> {
    const prepared = await this.options.dependencies?.prepare(
      deployment,
      engine,
    );
    await engine.deploy(
      prepared ? { ...deployment, dependencies: prepared.env } : deployment,
    );
    if (prepared?.reachableChanged) {
      // Work after a deploy that must neither delay nor fail it.
      this.options
        .dependencies!.wireDependents(
          deployment.previewId,
          this.options.notifier.followUp,
        )
        .catch(e =>
          this.options.logger.warn(
            `wiring the previews that use ${deployment.name} failed: ${e}`,
          ),
        );
    }
    const now = await this.options.store.get(deployment.previewId);
    if (now && (now.status === 'destroying' || now.status === 'destroyed')) {
      this.options.logger.info(
        `Preview ${deployment.name} was destroyed while it was being deployed; destroying what was applied`,
      );
      try {
        await engine.destroy(deployment);
      } catch (e) {
        // someone else's by now (a new preview of that name): nothing of ours is there
        if (!(e instanceof PreviewOwnershipError)) throw e;
      }
    }
    return now;
  }
}
