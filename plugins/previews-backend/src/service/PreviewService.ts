import { randomUUID } from 'node:crypto';
import {
  BackstageCredentials,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_SOURCE_LOCATION, Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  LIVE_PREVIEW_STATUSES,
  Preview,
  PreviewPullRequest,
  PreviewSpec,
  PreviewStatus,
  isPreviewsAvailable,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewDeployment,
  PreviewEngine,
  PreviewFollowUp,
  PreviewObservation,
  PreviewOwnershipError,
  PreviewStatusListener,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';
import { PreviewStore } from '../database/PreviewStore';
import type { DeployDependencies, PreviewBuildWait, PreviewStatusChange, StoredPreview } from '../types';
import {
  DESTROYABLE,
  REDEPLOYABLE,
  SLEEPABLE,
  statusAfterBuildCheck,
  statusAfterObservation,
} from '../lifecycle/previewLifecycle';
import { OrphanSweepLimits } from '../lifecycle/orphans';
import { OrphanSweepReport, sweepOrphans } from '../lifecycle/orphanSweep';
import { previewName } from '../naming/previewName';
import { repoUrlFromSourceLocation } from '../spec/sourceLocation';
import { resolvePreviewSpec } from '../spec/resolvePreviewSpec';
import { readSeedDump } from '../spec/readSeedDump';
import { initialSeed, isNewSeed, seedAfterRedeploy } from '../seed/seedColumns';
import { validateBranch, validateComponentRef, validateSha } from './validation';
import type { PreviewLifecycleHooks } from '../lifecycle/LifecycleHooks';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Annotation naming the engine a component's previews run on (`kubernetes`, `argocd`). */
export const PREVIEWS_ENGINE_ANNOTATION = 'backstage-previews.io/engine';

/** The component's Git repository from `backstage.io/source-location` (without `url:` and `/tree/...`). */
function repoUrlOf(entity: Entity): string | undefined {
  return repoUrlFromSourceLocation(entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION]);
}

/** Annotation naming the cluster a component's previews run in. */
export const PREVIEWS_CLUSTER_ANNOTATION = 'backstage-previews.io/cluster';

export interface PreviewServiceOptions {
  store: PreviewStore;
  engines: Map<string, PreviewEngine>;
  defaultEngine: string;
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
}

/**
 * One rollout, as every deploying use case records and applies it (see
 * `deployWithTransition`).
 */
interface Rollout {
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

function targetOf(p: Preview & { seedGeneration?: number }): PreviewTarget & { seedGeneration?: number } {
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

/** Statuses a preview may be reseeded from: running, or still rolling out. */
const RESEEDABLE: readonly PreviewStatus[] = ['provisioning', 'ready', 'degraded'];

/** The status message of a preview waiting for a check. */
function waitMessage(wait: PreviewBuildWait, sha?: string): string {
  return `waiting for check ${wait.check}${sha ? ` of ${sha.slice(0, 7)}` : ''} to succeed`;
}

/** Waiting for a build, or failed because the build's check failed (then it keeps the check's link). */
export function canWaitAgain(preview: StoredPreview): boolean {
  return preview.status === 'waiting-for-build' || (preview.status === 'failed' && Boolean(preview.waitingFor));
}

/** The use cases of previews: list, create, redeploy, destroy, keep status true, sweep orphans. */
export class PreviewService {
  private readonly baseDomain?: string;
  private readonly urlScheme: string;
  private readonly urlPort?: number;
  private readonly destroyTimeoutSeconds?: number;

  constructor(private readonly options: PreviewServiceOptions) {
    this.baseDomain = options.config?.getOptionalString('baseDomain');
    this.urlScheme = options.config?.getOptionalString('urlScheme') ?? 'https';
    this.urlPort = options.config?.getOptionalNumber('urlPort');
    if (this.urlPort !== undefined && (!Number.isInteger(this.urlPort) || this.urlPort < 1 || this.urlPort > 65535)) {
      throw new Error(`previews.urlPort must be a port number (1-65535), got ${this.urlPort}`);
    }
    this.destroyTimeoutSeconds = options.config?.getOptionalNumber('destroyTimeoutSeconds');
    if (!options.engines.has(options.defaultEngine)) {
      throw new Error(
        `previews.defaultEngine is ${JSON.stringify(options.defaultEngine)} but the installed engines are: ${[...options.engines.keys()].join(', ') || 'none'}`,
      );
    }
  }

  async list(entityRef: unknown, includeDestroyed = false): Promise<Preview[]> {
    const ref = entityRef === undefined ? undefined : validateComponentRef(entityRef);
    const previews = await this.options.store.list({
      entityRef: ref,
      statuses: includeDestroyed ? undefined : LIVE_PREVIEW_STATUSES,
    });
    return previews.map(p => this.withLinks(p));
  }

  /**
   * Adds what the preview's engine says of it (its title, links such as the
   * Argo CD UI) and the CI check it waits for; the lifecycle adds the cost.
   */
  private withLinks<T extends Preview & { waitingFor?: PreviewBuildWait }>(preview: T): T {
    const engine = this.options.engines.get(preview.engine);
    const links = [...(engine?.linksOf?.(targetOf(preview)) ?? [])];
    if (preview.waitingFor?.url) links.push({ title: `Check run: ${preview.waitingFor.check}`, url: preview.waitingFor.url });
    const withLinks = { ...preview, ...(engine?.title ? { engineTitle: engine.title } : {}), ...(links.length ? { links } : {}) };
    return this.options.lifecycle ? this.options.lifecycle.decorate(withLinks) : withLinks;
  }

  /**
   * The engine a new preview runs on: the spec's `engine`, else the
   * component's annotation, else `previews.defaultEngine`.
   */
  private engineFor(entity: Entity, spec: { engine?: string }): PreviewEngine {
    const annotation = entity.metadata.annotations?.[PREVIEWS_ENGINE_ANNOTATION];
    const id = spec.engine ?? annotation ?? this.options.defaultEngine;
    const engine = this.options.engines.get(id);
    if (!engine) {
      const from = spec.engine ? 'its preview spec' : annotation ? `the annotation ${PREVIEWS_ENGINE_ANNOTATION}` : 'previews.defaultEngine';
      throw new InputError(
        `${stringifyEntityRef(entity)} asks for the ${JSON.stringify(id)} engine (from ${from}), which is not installed; installed engines: ${[...this.options.engines.keys()].join(', ')}`,
      );
    }
    return engine;
  }

  async get(id: string): Promise<StoredPreview> {
    const preview = UUID.test(id) ? await this.options.store.get(id) : undefined;
    if (!preview) throw new NotFoundError(`No preview with id ${JSON.stringify(id.slice(0, 80))}`);
    return this.withLinks(preview);
  }

  private async previewableEntity(entityRef: string, credentials: BackstageCredentials): Promise<Entity> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new InputError(`No component ${entityRef} in the catalog`);
    if (!isPreviewsAvailable(entity)) {
      throw new InputError(
        `Previews are not enabled for ${entityRef}: add the annotation backstage-previews.io/enabled: "true"`,
      );
    }
    return entity;
  }

  private async resolveSpec(entity: Entity, branch: string, sha?: string) {
    const resolved = await resolvePreviewSpec({
      entity,
      branch,
      sha,
      defaults: this.options.config?.getOptionalConfig('defaultSpec'),
      urlReader: this.options.urlReader,
    });
    // What the engine's configuration does not allow (secret sources), before anything is recorded.
    const entityRef = stringifyEntityRef(entity);
    const problems = this.engineFor(entity, resolved.spec).specProblems?.(resolved.spec, { entityRef }) ?? [];
    if (problems.length) {
      throw new InputError(`Invalid preview spec in ${resolved.source} of ${entityRef}: ${problems.join('; ')}`);
    }
    // The database's seed dump, from the repository at the same commit (issue 7).
    const seedDump = await readSeedDump({ entity, branch, sha, spec: resolved.spec, urlReader: this.options.urlReader });
    return { ...resolved, ...(seedDump ? { seedDump } : {}) };
  }

  private hostOf(name: string) {
    return this.baseDomain ? `${name}.${this.baseDomain}` : undefined;
  }

  async create(request: {
    entityRef: unknown;
    branch: unknown;
    sha?: unknown;
    credentials: BackstageCredentials;
    createdBy?: string;
    /** Set by the GitHub integration: the pull request, its repository, what created it. */
    pullRequest?: PreviewPullRequest;
    repo?: string;
    /** The GitHub host of `repo`. */
    repoHost?: string;
    trigger?: 'portal' | 'label';
    /**
     * Set by the GitHub integration when the commit's required check has not
     * succeeded yet: the preview is recorded `waiting-for-build` and nothing
     * is deployed until `onBuildCheck` reports the check's success.
     */
    waitFor?: PreviewBuildWait;
  }): Promise<Preview> {
    const entityRef = validateComponentRef(request.entityRef);
    const branch = validateBranch(request.branch);
    const sha = request.sha === undefined ? undefined : validateSha(request.sha);
    const entity = await this.previewableEntity(entityRef, request.credentials);
    const { spec, source, seedDump } = await this.resolveSpec(entity, branch, sha);
    const engine = this.engineFor(entity, spec);
    if (spec.databases && !engine.supportsDatabases) {
      throw new InputError(`The preview spec of ${entityRef} declares databases, which the ${engine.id} engine does not run`);
    }
    const name = previewName(entityRef, branch);
    const host = this.hostOf(name);
    const cluster = spec.cluster ?? entity.metadata.annotations?.[PREVIEWS_CLUSTER_ANNOTATION];
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
      status: request.waitFor ? ('waiting-for-build' as const) : ('provisioning' as const),
      ...(request.waitFor ? { statusMessage: waitMessage(request.waitFor, sha), waitingFor: request.waitFor } : {}),
      url: host ? `${this.urlScheme}://${host}${this.urlPort ? `:${this.urlPort}` : ''}` : undefined,
      createdBy: request.createdBy,
      sha,
      cluster,
      specSource: source,
      seed: initialSeed(spec),
      ...(request.pullRequest ? { pullRequest: request.pullRequest } : {}),
      ...(request.repo ? { repo: request.repo, ...(request.repoHost ? { repoHost: request.repoHost } : {}) } : {}),
      ...(request.trigger ? { trigger: request.trigger } : {}),
    };
    if (request.waitFor) {
      const waiting = await this.options.store.insert(record);
      this.notify(waiting, undefined);
      return this.withLinks(waiting);
    }
    const { preview, error } = (await this.deployWithTransition({
      start: () => this.options.store.insert(record),
      // Nothing was applied: forget the record so the request changes nothing.
      undo: started => this.options.store.deleteUnprovisioned(started.id),
      failMessage: 'Deploying failed',
      announceAtStart: true,
      engine,
      deployment: started => ({ ...targetOf(started), spec, seedDump, host, sha, repoUrl: repoUrlOf(entity) }),
    }))!;
    if (error) return this.withLinks(preview);
    // Deploying resolved its dependencies and group (dependency wiring): answer with them.
    const wired = await this.options.store.get(preview.id);
    return this.withLinks({ ...preview, dependencies: wired?.dependencies, group: wired?.group });
  }

  /**
   * Re-renders the preview from its spec at the branch head (and the given
   * commit), applies it and tracks the rollout from `provisioning`.
   */
  async redeploy(id: string, request: { sha?: unknown; credentials: BackstageCredentials }): Promise<Preview> {
    const preview = await this.get(id);
    const sha = request.sha === undefined ? preview.sha : validateSha(request.sha);
    if (!REDEPLOYABLE.includes(preview.status)) {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status} and cannot be redeployed`);
    }
    const entity = await this.previewableEntity(preview.entityRef, request.credentials);
    const { spec, source, seedDump } = await this.resolveSpec(entity, preview.branch, sha);
    const engine = this.engineOf(preview);
    // Record the rollout before applying it: the watch may report the new
    // rollout as available before apply() returns, and must find the preview
    // already `provisioning` to move it to `ready`.
    // The generation read above must still be the stored one: a reseed since then
    // started generation N+1, which this redeploy would otherwise roll back and rerun.
    const rollout = await this.deployWithTransition({
      preview,
      start: () =>
        this.options.store.transition(
          preview.id,
          REDEPLOYABLE,
          {
            status: 'provisioning',
            statusMessage: sha && sha !== preview.sha ? `rolling out ${sha.slice(0, 7)}` : 'rolling out',
            sha,
            specSource: source,
            waitingFor: null,
            seed: seedAfterRedeploy(preview.seed, spec, preview.seedGeneration ?? 1),
          },
          { seedGeneration: preview.seedGeneration ?? 1 },
        ),
      undo: started => this.putBack(started, preview, { ...(preview.sha ? { sha: preview.sha } : {}), seed: preview.seed }),
      failMessage: 'Deploying failed',
      engine,
      deployment: started => ({ ...targetOf(started), spec, seedDump, host: this.hostOf(preview.name), sha, repoUrl: repoUrlOf(entity) }),
    });
    if (!rollout) throw new ConflictError(`Preview ${preview.name} changed during the redeploy (a destroy or a reseed); nothing was redeployed`);
    if (rollout.error) throw rollout.error;
    const updated = rollout.preview;
    await this.afterDeploy(updated, spec, engine);
    // A redeploy that changes nothing makes no watch event: look once now so
    // it does not stay `provisioning` until the next reconcile. Engines ignore
    // cache entries older than the apply, so a real rollout stays in progress.
    try {
      await this.observe(await engine.observe(targetOf(updated)), engine.id);
    } catch (e) {
      this.options.logger.warn(`Observing preview ${preview.name} after its redeploy failed: ${e}`);
    }
    return this.withLinks(updated);
  }

  /**
   * Drops the preview's database back to its seed data and runs the
   * migrations again: the next seed generation gets new seed and migrate
   * Jobs, and the app rolls once they are done. Refused (409, nothing
   * changes) for previews without a database or that are not running.
   */
  async reseed(id: string, request: { credentials: BackstageCredentials }): Promise<Preview> {
    const preview = await this.get(id);
    if (!RESEEDABLE.includes(preview.status)) {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status} and cannot be reseeded`);
    }
    if (!preview.seed || preview.seed.phase === 'none') {
      throw new ConflictError(`Preview ${preview.name} has no database to reseed`);
    }
    const entity = await this.previewableEntity(preview.entityRef, request.credentials);
    const { spec, source, seedDump } = await this.resolveSpec(entity, preview.branch, preview.sha);
    if (!spec.databases?.postgres) {
      throw new ConflictError(`The preview spec of ${preview.entityRef} (${source}) no longer declares databases.postgres; redeploy instead`);
    }
    const generation = (preview.seedGeneration ?? 1) + 1;
    const rollout = await this.deployWithTransition({
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
          },
          { seedGeneration: preview.seedGeneration ?? 1 },
        ),
      undo: started => this.putBack(started, preview, { seedGeneration: preview.seedGeneration ?? 1, seed: preview.seed }),
      failMessage: 'Reseeding failed',
      engine: this.engineOf(preview),
      deployment: started => ({
        ...targetOf(started),
        spec,
        seedDump,
        host: this.hostOf(preview.name),
        sha: preview.sha,
        repoUrl: repoUrlOf(entity),
      }),
    });
    if (!rollout) throw new ConflictError(`Preview ${preview.name} changed status during the reseed`);
    if (rollout.error) throw rollout.error;
    return this.withLinks(rollout.preview);
  }

  /**
   * A preview waiting for its build learns the required check's state:
   * success deploys it now (waiting-for-build → provisioning), another
   * conclusion fails it, anything else (or another commit) changes nothing.
   * Returns the changed preview, or undefined.
   */
  async onBuildCheck(
    id: string,
    check: { name: string; sha: string; status?: string; conclusion?: string | null; url?: string },
    credentials: BackstageCredentials,
  ): Promise<StoredPreview | undefined> {
    const preview = await this.options.store.get(id);
    if (!preview || preview.status !== 'waiting-for-build' || preview.sha !== check.sha) return undefined;
    const change = statusAfterBuildCheck(check);
    if (!change) return undefined;
    const waitingFor = { check: check.name, url: check.url ?? preview.waitingFor?.url };
    if (change.status !== 'provisioning') {
      const failed = await this.options.store.transition(id, ['waiting-for-build'], {
        ...change,
        ...(waitingFor.url ? { waitingFor } : {}),
      });
      if (failed) this.notify(failed, 'waiting-for-build');
      return failed;
    }
    const entity = await this.previewableEntity(preview.entityRef, credentials);
    const { spec, source, seedDump } = await this.resolveSpec(entity, preview.branch, preview.sha);
    const rollout = await this.deployWithTransition({
      preview,
      // Compare-and-set first: of a webhook and a poll, only one deploys.
      start: () => this.options.store.transition(id, ['waiting-for-build'], { ...change, specSource: source }),
      failMessage: 'Deploying failed',
      announceAtStart: true,
      engine: this.engineOf(preview),
      deployment: started => ({
        ...targetOf(started),
        spec,
        seedDump,
        host: this.hostOf(started.name),
        sha: started.sha,
        repoUrl: repoUrlOf(entity),
      }),
    });
    return rollout?.preview;
  }

  /**
   * A waiting preview's pull request moved to a new commit: it now waits for
   * that commit's check. So does a preview that failed because its check
   * failed (nothing of it was deployed).
   */
  async retargetBuildWait(id: string, sha: unknown, wait: PreviewBuildWait): Promise<StoredPreview | undefined> {
    const newSha = validateSha(sha);
    const preview = await this.options.store.get(id);
    if (!preview || !canWaitAgain(preview)) return undefined;
    const updated = await this.options.store.transition(id, [preview.status], {
      status: 'waiting-for-build',
      statusMessage: waitMessage(wait, newSha),
      sha: newSha,
      waitingFor: wait,
    });
    if (updated) this.notify(updated, preview.status);
    return updated;
  }

  /**
   * Starts destruction; idempotent. Completion is reported by the engine's
   * tracker. With `onlyIfExpiredBy` (the reaper), nothing happens unless the
   * stored preview is still expired at that time: an extend or keep that
   * landed after the reaper listed it wins.
   */
  async destroy(id: string, options: { onlyIfExpiredBy?: Date } = {}): Promise<Preview> {
    const preview = await this.get(id);
    if (!DESTROYABLE.includes(preview.status)) return preview;
    if (preview.status === 'waiting-for-build') {
      // Nothing was deployed: done at once (unless it just started deploying).
      const gone = await this.options.store.transition(
        preview.id,
        ['waiting-for-build'],
        { status: 'destroyed', statusMessage: null, destroyedAt: new Date().toISOString() },
        { expiredBy: options.onlyIfExpiredBy },
      );
      if (gone) {
        this.notify(gone, 'waiting-for-build');
        return gone;
      }
      const now = await this.get(id);
      // still waiting: only the expiry guard can have refused (it was extended or kept)
      if (options.onlyIfExpiredBy && now.status === 'waiting-for-build') return now;
      return this.destroy(id, options);
    }
    const engine = this.engineOf(preview);
    const started = await this.options.store.transition(
      preview.id,
      DESTROYABLE,
      { status: 'destroying', statusMessage: null, destroyStartedAt: new Date().toISOString() },
      { expiredBy: options.onlyIfExpiredBy },
    );
    if (started) this.notify(started, preview.status);
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
      this.options.logger.warn(`Destroying preview ${preview.name} failed, will retry: ${e}`);
      return (
        (await this.options.store.transition(preview.id, ['destroying'], {
          status: 'destroying',
          statusMessage: `Deleting failed, retrying: ${(e as Error).message}`,
        })) ?? destroying
      );
    }
    return destroying;
  }

  /**
   * The one way a use case deploys: records the rollout, resolves the
   * dependency URLs, applies it, and on an error either puts the record
   * back (the engine refused before applying anything) or fails the
   * preview. Returns undefined when the preview changed meanwhile (nothing
   * was applied); else the preview as recorded, with the error if it failed.
   */
  private async deployWithTransition(rollout: Rollout): Promise<{ preview: StoredPreview; error?: Error } | undefined> {
    const previous = rollout.preview?.status;
    const started = await rollout.start();
    if (!started) return undefined;
    if (rollout.announceAtStart) this.notify(started, previous);
    const deployment = rollout.deployment(started);
    try {
      await this.deployUnlessDestroyed(rollout.engine, deployment);
    } catch (e) {
      const refused = e instanceof InputError || e instanceof PreviewOwnershipError;
      if ((refused && rollout.undo) || !rollout.failMessage) {
        await rollout.undo?.(started);
        throw e instanceof PreviewOwnershipError ? new ConflictError(e.message) : e;
      }
      this.options.logger.error(`${rollout.failMessage} for preview ${started.name}: ${e}`);
      const failed = await this.options.store.transition(started.id, [started.status], {
        status: 'failed',
        statusMessage: `${rollout.failMessage}: ${(e as Error).message}`,
      });
      if (failed) this.notify(failed, rollout.announceAtStart ? started.status : previous);
      return { preview: failed ?? started, error: e as Error };
    }
    if (!rollout.announceAtStart) this.notify(started, previous);
    return { preview: started };
  }

  /**
   * Puts a preview whose rollout was refused back as it was: status,
   * message and the given fields; only while it is still as the rollout
   * left it (a destroy meanwhile wins).
   */
  private async putBack(started: StoredPreview, before: StoredPreview, fields: Omit<PreviewStatusChange, 'status'>) {
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
   * (idempotent; only objects with this preview's id).
   */
  private async deployUnlessDestroyed(engine: PreviewEngine, deployment: PreviewDeployment): Promise<void> {
    const prepared = await this.options.dependencies?.prepare(deployment, engine);
    await engine.deploy(prepared ? { ...deployment, dependencies: prepared.env } : deployment);
    if (prepared?.reachableChanged) {
      // Work after a deploy that must neither delay nor fail it.
      this.options.dependencies!.wireDependents(deployment.previewId, this.followUp).catch(e =>
        this.options.logger.warn(`wiring the previews that use ${deployment.name} failed: ${e}`),
      );
    }
    const now = await this.options.store.get(deployment.previewId);
    if (now && (now.status === 'destroying' || now.status === 'destroyed')) {
      this.options.logger.info(`Preview ${deployment.name} was destroyed while it was being deployed; destroying what was applied`);
      try {
        await engine.destroy(deployment);
      } catch (e) {
        // someone else's by now (a new preview of that name): nothing of ours is there
        if (!(e instanceof PreviewOwnershipError)) throw e;
      }
    }
  }

  /** Applies what an engine saw in the cluster to the preview it belongs to. */
  async observe(observation: PreviewObservation, engineId?: string): Promise<void> {
    const preview = await this.options.store.findLiveByName(observation.name, observation.cluster);
    if (!preview) return;
    // Engines may share a cluster: only the preview's own engine speaks for it.
    if (engineId && engineId !== preview.engine) return;
    // Objects left by an older preview of the same name say nothing about this one.
    if (observation.previewId && observation.previewId !== preview.id) return;
    const change = statusAfterObservation(preview.status, observation, new Date().toISOString(), {
      destroyingSince: preview.destroyStartedAt,
      destroyTimeoutSeconds: this.destroyTimeoutSeconds,
      provisioningSince: preview.updatedAt,
    });
    const details = observation.details;
    const detailsChanged = details && JSON.stringify(details) !== JSON.stringify(preview.details);
    const seedChanged = isNewSeed(preview.seed, observation.seed, preview.seedGeneration ?? 1);
    const statusChanged =
      change &&
      (change.status !== preview.status || (change.statusMessage ?? undefined) !== preview.statusMessage);
    if (!statusChanged && !detailsChanged && !seedChanged) return;
    const updated = await this.options.store.transition(preview.id, [preview.status], {
      ...(statusChanged ? change! : { status: preview.status }),
      ...(detailsChanged ? { details } : {}),
      ...(seedChanged ? { seed: observation.seed } : {}),
    });
    if (updated && updated.status !== preview.status) {
      this.options.logger.info(`Preview ${preview.name} is ${updated.status}`);
      this.notify(updated, preview.status);
    }
  }

  /**
   * Reads every live preview from its engine once (engines answer from their
   * watch caches): catches up on anything a watch missed and retries destroys.
   */
  async reconcile(): Promise<void> {
    const live = await this.options.store.list({ statuses: LIVE_PREVIEW_STATUSES });
    for (const preview of live) {
      const engine = this.options.engines.get(preview.engine);
      if (!engine || preview.status === 'waiting-for-build') continue;
      try {
        if (preview.status === 'destroying') await engine.destroy(targetOf(preview));
        await this.observe(await engine.observe(targetOf(preview)), engine.id);
      } catch (e) {
        this.options.logger.warn(`Reconciling preview ${preview.name} failed: ${e}`);
      }
    }
  }

  /** Finds (and unless `dryRun`, deletes) object sets no live preview owns: see lifecycle/orphanSweep.ts. */
  sweepOrphans(options: { dryRun: boolean; minAgeMinutes?: number; limits?: OrphanSweepLimits }): Promise<OrphanSweepReport> {
    return sweepOrphans(this.options, options);
  }

  /** A redeploy or wake is activity, and its spec may request other resources; errors are logged. */
  private async afterDeploy(preview: Preview, spec: PreviewSpec, engine: PreviewEngine) {
    try {
      await this.options.lifecycle?.afterDeploy(preview, spec, engine.requestsOf?.(spec));
    } catch (e) {
      this.options.logger.warn(`Recording the lifecycle of preview ${preview.name} failed: ${e}`);
    }
  }

  /**
   * Puts a preview to sleep (app workloads scaled to zero, databases stay)
   * or wakes it: re-applies it from its spec with `asleep`. Sleeping goes
   * straight to `sleeping`; waking goes `provisioning` until the rollout is
   * available. A refused or failed apply puts the preview back as it was.
   */
  async setAsleep(id: string, asleep: boolean, credentials: BackstageCredentials): Promise<Preview> {
    const preview = await this.get(id);
    const from: readonly PreviewStatus[] = asleep ? SLEEPABLE : ['sleeping'];
    if (!from.includes(preview.status)) {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status} and cannot be ${asleep ? 'put to sleep' : 'woken'}`);
    }
    const engine = this.engineOf(preview);
    if (!engine.canSleep) throw new InputError(`Previews on the ${engine.id} engine cannot sleep`);
    const entity = await this.previewableEntity(preview.entityRef, credentials);
    const { spec, seedDump } = await this.resolveSpec(entity, preview.branch, preview.sha);
    const rollout = await this.deployWithTransition({
      preview,
      start: () =>
        this.options.store.transition(
          preview.id,
          from,
          asleep
            ? { status: 'sleeping', statusMessage: 'asleep: workloads scaled to zero' }
            : { status: 'provisioning', statusMessage: 'waking up' },
        ),
      undo: started => this.putBack(started, preview, {}),
      engine,
      deployment: () => ({
        ...targetOf(preview),
        spec,
        seedDump,
        host: this.hostOf(preview.name),
        sha: preview.sha,
        repoUrl: repoUrlOf(entity),
        asleep,
      }),
    });
    if (!rollout) throw new ConflictError(`Preview ${preview.name} changed status meanwhile`);
    if (!asleep) await this.afterDeploy(rollout.preview, spec, engine);
    return this.withLinks(rollout.preview);
  }

  /** Status listeners may redeploy (rewiring dependents); always through the use case. */
  private readonly followUp: PreviewFollowUp = {
    redeploy: (previewId, options) => this.redeploy(previewId, options),
  };

  private notify(preview: StoredPreview, previous: PreviewStatus | undefined) {
    for (const listener of this.options.statusListeners ?? []) {
      Promise.resolve()
        .then(() => listener.onStatusChange(preview, previous, this.followUp))
        .catch(e => this.options.logger.warn(`A status listener failed for preview ${preview.name}: ${e}`));
    }
  }

  private engineOf(preview: Preview): PreviewEngine {
    const engine = this.options.engines.get(preview.engine);
    if (!engine) {
      throw new ConflictError(`Preview ${preview.name} runs on engine ${preview.engine}, which is not installed`);
    }
    return engine;
  }
}
