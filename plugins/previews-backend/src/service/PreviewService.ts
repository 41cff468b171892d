import { randomUUID } from 'node:crypto';
import {
  BackstageCredentials,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  LIVE_PREVIEW_STATUSES,
  PREVIEWS_CLUSTER_ANNOTATION,
  Preview,
  PreviewSpec,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewAccessGate,
  PreviewDeployment,
  PreviewEngine,
  PreviewObservation,
  PreviewOwnershipError,
  PreviewStatusListener,
  testPlanOf,
} from '@backstage-previews/plugin-previews-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import type {
  CreatePreviewRequest,
  DeployDependencies,
  PreviewBuildWait,
  StoredPreview,
} from '../types';
import {
  DESTROYABLE,
  REDEPLOYABLE,
  RESEEDABLE,
  SLEEPABLE,
} from '../lifecycle/previewLifecycle';
import { OrphanSweepLimits } from '../lifecycle/orphans';
import { OrphanSweepReport, sweepOrphans } from '../lifecycle/orphanSweep';
import { previewName } from '../naming/previewName';
import { initialSeed, seedAfterRedeploy } from '../seed/seedStatus';
import type { PreviewLifecycleHooks } from '../lifecycle/LifecycleHooks';
import { PreviewAddress } from './previewAddress';
import { PreviewSources, ResolvedSource } from './PreviewSources';
import { decoratePreview } from './decoratePreview';
import { targetOf } from './previewTarget';
import { Rollouts } from './Rollouts';
import { StatusNotifier } from './StatusNotifier';
import { StatusTracker } from './StatusTracker';
import { BuildCheck, BuildWaits, waitMessage } from './BuildWaits';
import {
  validateBranch,
  validateComponentRef,
  validateSha,
} from './validation';
import { SmokeTests, SmokeTestsOptions } from '../smoke/SmokeTests';
import { startedTimeline } from '../timeline/rolloutTimeline';
import { pendingRun } from '../smoke/testRuns';
import { readDurationSetting } from '../config/durationSetting';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface PreviewServiceOptions {
  store: PreviewsStore;
  engines: Map<string, PreviewEngine>;
  /** `previews.defaultEngine`, when set (else chosen from the installed engines). */
  defaultEngine?: string;
  catalog: CatalogService;
  logger: LoggerService;
  urlReader?: UrlReaderService;
  /** The `previews` config block. */
  config?: Config;
  /**
   * Told after each status change of a preview (creation included, with no
   * previous status). They run in the background; errors are logged, never thrown.
   */
  statusListeners?: ReadonlyArray<PreviewStatusListener<StoredPreview>>;
  /** Resolves the dependency URLs of every deploy (dependencies/DependencyWiring.ts). */
  dependencies?: DeployDependencies;
  /** Expiry, quotas, activity and cost (issue 8). */
  lifecycle?: PreviewLifecycleHooks;
  /** This installation's id (see installationId.ts): the orphan sweep touches only object sets labelled with it. */
  installationId: string;
  /** Where a preview's ingress checks each request (access/accessSettings.ts); none: public URLs. */
  accessGate?: (previewId: string) => PreviewAccessGate | undefined;
  /** A token past a preview's protected URL for its smoke tests (access/PreviewAccess.ts); none: public URLs. */
  testBypass?: SmokeTestsOptions['bypassFor'];
}

/** The use cases of previews: list, create, redeploy, destroy, keep status true, sweep orphans. */
export class PreviewService {
  private readonly address: PreviewAddress;
  private readonly sources: PreviewSources;
  private readonly notifier: StatusNotifier;
  private readonly rollouts: Rollouts;
  private readonly tracker: StatusTracker;
  private readonly buildWaits: BuildWaits;
  private readonly smokeTests: SmokeTests;

  constructor(private readonly options: PreviewServiceOptions) {
    this.address = PreviewAddress.fromConfig(options.config);
    this.sources = new PreviewSources(options);
    // Status listeners may redeploy (rewiring dependents); always through the use case.
    // A ready preview starts its smoke tests: they listen too.
    const listeners = [
      ...(options.statusListeners ?? []),
      {
        onStatusChange: (p: StoredPreview) => this.smokeTests.onStatusChange(p),
      },
    ];
    this.notifier = new StatusNotifier(listeners, options.logger, {
      redeploy: (previewId, request) => this.redeploy(previewId, request),
    });
    this.smokeTests = new SmokeTests({
      ...options,
      notifier: this.notifier,
      bypassFor: options.testBypass,
    });
    this.rollouts = new Rollouts({ ...options, notifier: this.notifier });
    this.tracker = new StatusTracker({
      ...options,
      notifier: this.notifier,
      smokeTests: this.smokeTests,
      destroyTimeoutSeconds: readDurationSetting(
        options.config,
        'destroyTimeoutSeconds',
      ),
    });
    this.buildWaits = new BuildWaits({
      ...{
        store: options.store,
        sources: this.sources,
        rollouts: this.rollouts,
        notifier: this.notifier,
      },
      hostOf: name => this.address.hostOf(name),
    });
  }

  async list(entityRef: unknown, includeDestroyed = false): Promise<Preview[]> {
    const ref =
      entityRef === undefined ? undefined : validateComponentRef(entityRef);
    const previews = await this.options.store.list({
      entityRef: ref,
      statuses: includeDestroyed ? undefined : LIVE_PREVIEW_STATUSES,
    });
    return previews.map(p => this.withLinks(p));
  }

  /** Adds what the preview's engine says of it and, through the lifecycle, its cost and expiry. */
  private withLinks<T extends Preview & { waitingFor?: PreviewBuildWait }>(
    preview: T,
  ): T {
    return decoratePreview(
      preview,
      this.options.engines.get(preview.engine),
      this.options.lifecycle,
    );
  }

  async get(id: string): Promise<StoredPreview> {
    const preview = UUID.test(id)
      ? await this.options.store.get(id)
      : undefined;
    if (!preview)
      throw new NotFoundError(
        `No preview with id ${JSON.stringify(id.slice(0, 80))}`,
      );
    return this.withLinks(preview);
  }

  async create(request: CreatePreviewRequest): Promise<Preview> {
    const entityRef = validateComponentRef(request.entityRef);
    const branch = validateBranch(request.branch);
    const sha =
      request.sha === undefined ? undefined : validateSha(request.sha);
    const { entity, spec, source, seedDump } = await this.sources.resolve(
      entityRef,
      branch,
      sha,
      request.credentials,
    );
    const engine = this.sources.engineFor(entity, spec);
    if (spec.databases && !engine.supportsDatabases) {
      throw new InputError(
        `The preview spec of ${entityRef} declares databases, which the ${engine.id} engine does not run`,
      );
    }
    refuseUnrunnableTests(entityRef, spec, engine);
    const name = previewName(entityRef, branch);
    const cluster =
      spec.cluster ??
      entity.metadata.annotations?.[PREVIEWS_CLUSTER_ANNOTATION];
    // Quotas (409) and the expiry, before anything is recorded.
    const lifecycle = await this.options.lifecycle?.beforeCreate({
      ...{ entity, entityRef, createdBy: request.createdBy, spec },
      requests: engine.requestsOf?.(spec),
    });

    const record = {
      ...lifecycle,
      id: randomUUID(),
      entityRef,
      branch,
      engine: engine.id,
      name,
      namespace: name,
      status: request.waitFor
        ? ('waiting-for-build' as const)
        : ('provisioning' as const),
      ...(request.waitFor
        ? {
            statusMessage: waitMessage(request.waitFor, sha),
            waitingFor: request.waitFor,
          }
        : {}),
      url: this.address.urlOf(name),
      createdBy: request.createdBy,
      sha,
      cluster,
      specSource: source,
      seed: initialSeed(spec),
      ...nonNull(pendingRun(testPlanOf(spec), 'create', undefined, sha)),
      // From the request: a wait for the build is part of the time to a working preview.
      timeline: startedTimeline('create', new Date().toISOString()),
      ...(request.pullRequest ? { pullRequest: request.pullRequest } : {}),
      ...(request.repo
        ? {
            repo: request.repo,
            ...(request.repoHost ? { repoHost: request.repoHost } : {}),
          }
        : {}),
      ...(request.trigger ? { trigger: request.trigger } : {}),
    };
    if (request.waitFor) {
      const waiting = await this.options.store.insert(record);
      this.notifier.notify(waiting, undefined);
      return this.withLinks(waiting);
    }
    const { preview } = (await this.rollouts.deploy({
      start: () => this.options.store.insert(record),
      // Nothing was applied: forget the record so the request changes nothing.
      undo: started => this.options.store.deleteUnprovisioned(started.id),
      failMessage: 'Deploying failed',
      announceAtStart: true,
      engine,
      deployment: started =>
        this.deploymentOf(started, { entity, spec, seedDump }, sha),
    }))!;
    // With the dependencies and group the deploy resolved, or failed with the reason.
    return this.withLinks(preview);
  }

  /**
   * Re-renders the preview from its spec at the branch head (and the given
   * commit), applies it and tracks the rollout from `provisioning`.
   */
  async redeploy(
    id: string,
    request: { sha?: unknown; credentials: BackstageCredentials },
  ): Promise<Preview> {
    const preview = await this.get(id);
    const sha =
      request.sha === undefined ? preview.sha : validateSha(request.sha);
    if (!REDEPLOYABLE.includes(preview.status)) {
      throw new ConflictError(
        `Preview ${preview.name} is ${preview.status} and cannot be redeployed`,
      );
    }
    const { entity, spec, source, seedDump } = await this.sources.resolve(
      preview.entityRef,
      preview.branch,
      sha,
      request.credentials,
    );
    const engine = this.sources.engineOf(preview);
    refuseUnrunnableTests(preview.entityRef, spec, engine);
    // Record the rollout before applying it: the watch may report the new
    // rollout as available before apply() returns, and must find the preview
    // already `provisioning` to move it to `ready`.
    // The generation read above must still be the stored one: a reseed since then
    // started generation N+1, which this redeploy would otherwise roll back and rerun.
    const rollout = await this.rollouts.deploy({
      preview,
      start: () =>
        this.options.store.transition(
          preview.id,
          REDEPLOYABLE,
          {
            status: 'provisioning',
            statusMessage:
              sha && sha !== preview.sha
                ? `rolling out ${sha.slice(0, 7)}`
                : 'rolling out',
            sha,
            specSource: source,
            waitingFor: null,
            seed: seedAfterRedeploy(
              preview.seed,
              spec,
              preview.seedGeneration ?? 1,
            ),
            ...pendingRun(testPlanOf(spec), 'redeploy', preview.tests, sha),
            timeline: startedTimeline('redeploy', new Date().toISOString()),
          },
          { seedGeneration: preview.seedGeneration ?? 1 },
        ),
      undo: started =>
        this.rollouts.putBack(started, preview, {
          ...(preview.sha ? { sha: preview.sha } : {}),
          seed: preview.seed,
          tests: preview.tests ?? null,
          timeline: preview.timeline ?? null,
        }),
      failMessage: 'Deploying failed',
      engine,
      deployment: started =>
        this.deploymentOf(started, { entity, spec, seedDump }, sha),
    });
    if (!rollout)
      throw new ConflictError(
        `Preview ${preview.name} changed during the redeploy (a destroy or a reseed); nothing was redeployed`,
      );
    if (rollout.error) throw rollout.error;
    const updated = rollout.preview;
    await this.afterDeploy(updated, spec, engine);
    // A redeploy that changes nothing makes no watch event: look once now so
    // it does not stay `provisioning` until the next reconcile. Engines ignore
    // cache entries older than the apply, so a real rollout stays in progress.
    try {
      await this.tracker.observe(
        await engine.observe(targetOf(updated)),
        engine.id,
      );
    } catch (e) {
      this.options.logger.warn(
        `Observing preview ${preview.name} after its redeploy failed: ${e}`,
      );
    }
    return this.withLinks(updated);
  }

  /**
   * Drops the preview's database back to its seed data and runs the
   * migrations again: the next seed generation gets new seed and migrate
   * Jobs, and the app rolls once they are done. Refused (409, nothing
   * changes) for previews without a database or that are not running.
   */
  async reseed(
    id: string,
    request: { credentials: BackstageCredentials },
  ): Promise<Preview> {
    const preview = await this.get(id);
    if (!RESEEDABLE.includes(preview.status)) {
      throw new ConflictError(
        `Preview ${preview.name} is ${preview.status} and cannot be reseeded`,
      );
    }
    if (!preview.seed || preview.seed.phase === 'none') {
      throw new ConflictError(
        `Preview ${preview.name} has no database to reseed`,
      );
    }
    const { entity, spec, source, seedDump } = await this.sources.resolve(
      preview.entityRef,
      preview.branch,
      preview.sha,
      request.credentials,
    );
    if (!spec.databases?.postgres) {
      throw new ConflictError(
        `The preview spec of ${preview.entityRef} (${source}) no longer declares databases.postgres; redeploy instead`,
      );
    }
    const generation = (preview.seedGeneration ?? 1) + 1;
    const rollout = await this.rollouts.deploy({
      preview,
      start: () =>
        this.options.store.transition(
          preview.id,
          [preview.status],
          {
            status: 'provisioning',
            statusMessage: `reseeding (generation ${generation})`,
            seedGeneration: generation,
            seed: initialSeed(spec, generation),
            ...pendingRun(
              testPlanOf(spec),
              'reseed',
              preview.tests,
              preview.sha,
            ),
            timeline: startedTimeline('reseed', new Date().toISOString()),
          },
          { seedGeneration: preview.seedGeneration ?? 1 },
        ),
      undo: started =>
        this.rollouts.putBack(started, preview, {
          seedGeneration: preview.seedGeneration ?? 1,
          seed: preview.seed,
          tests: preview.tests ?? null,
          timeline: preview.timeline ?? null,
        }),
      failMessage: 'Reseeding failed',
      engine: this.sources.engineOf(preview),
      deployment: started =>
        this.deploymentOf(started, { entity, spec, seedDump }, preview.sha),
    });
    if (!rollout)
      throw new ConflictError(
        `Preview ${preview.name} changed status during the reseed`,
      );
    if (rollout.error) throw rollout.error;
    return this.withLinks(rollout.preview);
  }

  /** Runs the smoke tests of the rollout deployed again (409 while a run has not ended or the preview is not ready). */
  async rerunTests(id: string): Promise<Preview> {
    return this.withLinks(await this.smokeTests.rerun(await this.get(id)));
  }

  /** A preview waiting for its build learns the required check's state (see BuildWaits). */
  onBuildCheck(
    id: string,
    check: BuildCheck,
    credentials: BackstageCredentials,
  ): Promise<StoredPreview | undefined> {
    return this.buildWaits.onBuildCheck(id, check, credentials);
  }

  /** A waiting preview's pull request moved to a new commit (see BuildWaits). */
  retargetBuildWait(
    id: string,
    sha: unknown,
    wait: PreviewBuildWait,
  ): Promise<StoredPreview | undefined> {
    return this.buildWaits.retarget(id, sha, wait);
  }

  /**
   * Starts destruction; idempotent. Completion is reported by the engine's
   * tracker. With `onlyIfExpiredBy` (the reaper), nothing happens unless the
   * stored preview is still expired at that time: an extend or keep that
   * landed after the reaper listed it wins.
   */
  async destroy(
    id: string,
    options: { onlyIfExpiredBy?: Date } = {},
  ): Promise<Preview> {
    const preview = await this.get(id);
    if (!DESTROYABLE.includes(preview.status)) return preview;
    if (preview.status === 'waiting-for-build') {
      // Nothing was deployed: done at once (unless it just started deploying).
      const gone = await this.options.store.transition(
        preview.id,
        ['waiting-for-build'],
        {
          status: 'destroyed',
          statusMessage: null,
          destroyedAt: new Date().toISOString(),
        },
        { expiredBy: options.onlyIfExpiredBy },
      );
      if (gone) {
        this.notifier.notify(gone, 'waiting-for-build');
        return gone;
      }
      const now = await this.get(id);
      // still waiting: only the expiry guard can have refused (it was extended or kept)
      if (options.onlyIfExpiredBy && now.status === 'waiting-for-build')
        return now;
      return this.destroy(id, options);
    }
    const engine = this.sources.engineOf(preview);
    const started = await this.options.store.transition(
      preview.id,
      DESTROYABLE,
      {
        status: 'destroying',
        statusMessage: null,
        destroyStartedAt: new Date().toISOString(),
      },
      { expiredBy: options.onlyIfExpiredBy },
    );
    if (started) this.notifier.notify(started, preview.status);
    const destroying = started ?? (await this.get(id));
    // not destroying: the expiry guard refused (it was extended or kept since it was listed)
    if (!started && destroying.status !== 'destroying') return destroying;
    try {
      await engine.destroy(targetOf(preview));
    } catch (e) {
      if (e instanceof PreviewOwnershipError) {
        // The name is someone else's: nothing of ours is left to delete.
        this.options.logger.warn(e.message);
        return (
          (await this.options.store.transition(preview.id, ['destroying'], {
            status: 'destroyed',
            statusMessage: e.message,
            destroyedAt: new Date().toISOString(),
          })) ?? destroying
        );
      }
      // Stays `destroying`, visibly; the reconciler retries.
      this.options.logger.warn(
        `Destroying preview ${preview.name} failed, will retry: ${e}`,
      );
      return (
        (await this.options.store.transition(preview.id, ['destroying'], {
          status: 'destroying',
          statusMessage: `Deleting failed, retrying: ${(e as Error).message}`,
        })) ?? destroying
      );
    }
    return destroying;
  }

  /** Applies what an engine saw in the cluster to the preview it belongs to (see StatusTracker). */
  observe(observation: PreviewObservation, engineId?: string): Promise<void> {
    return this.tracker.observe(observation, engineId);
  }

  /** Reads every live preview from its engine once: catches up on what a watch missed, retries destroys. */
  reconcile(): Promise<void> {
    return this.tracker.reconcile();
  }

  /** Finds (and unless `dryRun`, deletes) object sets no live preview owns: see lifecycle/orphanSweep.ts. */
  sweepOrphans(options: {
    dryRun: boolean;
    minAgeMinutes?: number;
    limits?: OrphanSweepLimits;
  }): Promise<OrphanSweepReport> {
    return sweepOrphans(this.options, options);
  }

  /** What the engine applies for a preview: its spec and seed dump, at its host, from the component's repository. */
  private deploymentOf(
    preview: Preview,
    resolved: Pick<ResolvedSource, 'entity' | 'spec' | 'seedDump'>,
    sha: string | undefined,
  ): PreviewDeployment {
    const { entity, spec, seedDump } = resolved;
    const access = this.options.accessGate?.(preview.id);
    return {
      ...targetOf(preview),
      spec,
      seedDump,
      host: this.address.hostOf(preview.name),
      sha,
      ...this.sources.componentFields(entity),
      ...(access && { access }),
    };
  }

  /** A redeploy or wake is activity, and its spec may request other resources; errors are logged. */
  private async afterDeploy(
    preview: Preview,
    spec: PreviewSpec,
    engine: PreviewEngine,
  ) {
    try {
      await this.options.lifecycle?.afterDeploy(
        preview,
        spec,
        engine.requestsOf?.(spec),
      );
    } catch (e) {
      this.options.logger.warn(
        `Recording the lifecycle of preview ${preview.name} failed: ${e}`,
      );
    }
  }

  /**
   * Puts a preview to sleep (app workloads scaled to zero, databases stay)
   * or wakes it: re-applies it from its spec with `asleep`. Sleeping goes
   * straight to `sleeping`; waking goes `provisioning` until the rollout is
   * available. A refused or failed apply puts the preview back as it was.
   */
  async setAsleep(
    id: string,
    asleep: boolean,
    credentials: BackstageCredentials,
  ): Promise<Preview> {
    const preview = await this.get(id);
    const from: readonly PreviewStatus[] = asleep ? SLEEPABLE : ['sleeping'];
    if (!from.includes(preview.status)) {
      throw new ConflictError(
        `Preview ${preview.name} is ${preview.status} and cannot be ${
          asleep ? 'put to sleep' : 'woken'
        }`,
      );
    }
    const engine = this.sources.engineOf(preview);
    if (!engine.canSleep)
      throw new InputError(`Previews on the ${engine.id} engine cannot sleep`);
    const { entity, spec, seedDump } = await this.sources.resolve(
      preview.entityRef,
      preview.branch,
      preview.sha,
      credentials,
    );
    const rollout = await this.rollouts.deploy({
      preview,
      start: () =>
        this.options.store.transition(
          preview.id,
          from,
          asleep
            ? {
                status: 'sleeping',
                statusMessage: 'asleep: workloads scaled to zero',
              }
            : {
                status: 'provisioning',
                statusMessage: 'waking up',
                timeline: startedTimeline('wake', new Date().toISOString()),
              },
        ),
      undo: started =>
        this.rollouts.putBack(started, preview, {
          timeline: preview.timeline ?? null,
        }),
      engine,
      deployment: () => ({
        ...this.deploymentOf(preview, { entity, spec, seedDump }, preview.sha),
        asleep,
      }),
    });
    if (!rollout)
      throw new ConflictError(
        `Preview ${preview.name} changed status meanwhile`,
      );
    if (!asleep) await this.afterDeploy(rollout.preview, spec, engine);
    return this.withLinks(rollout.preview);
  }
}

/** A spec's tests need an engine that runs them: refused (400) before anything is recorded. */
function refuseUnrunnableTests(
  entityRef: string,
  spec: PreviewSpec,
  engine: PreviewEngine,
) {
  if (spec.tests?.length && !engine.tests) {
    throw new InputError(
      `The preview spec of ${entityRef} declares tests, which the ${engine.id} engine does not run`,
    );
  }
}

/** The fields that have a value (a new record has nothing to clear). */
function nonNull<T extends object>(
  fields: T,
): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== null),
  ) as { [K in keyof T]?: NonNullable<T[K]> };
}
