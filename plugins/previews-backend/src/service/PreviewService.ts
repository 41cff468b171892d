import { randomUUID } from 'node:crypto';
import {
  BackstageCredentials,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  LIVE_PREVIEW_STATUSES,
  Preview,
  isPreviewsAvailable,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewEngine,
  PreviewObservation,
  PreviewOwnershipError,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';
import { PreviewStore, StoredPreview } from '../database/PreviewStore';
import {
  DESTROYABLE,
  REDEPLOYABLE,
  statusAfterObservation,
} from '../lifecycle/previewLifecycle';
import { ManagedObjectSet, findOrphans } from '../lifecycle/orphans';
import { previewName } from '../naming/previewName';
import { resolvePreviewSpec } from '../spec/resolvePreviewSpec';
import { validateBranch, validateComponentRef, validateSha } from './validation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
}

/** The result of an orphan sweep. */
export interface OrphanSweepReport {
  dryRun: boolean;
  orphans: ManagedObjectSet[];
  deleted: string[];
  errors: string[];
}

function targetOf(p: Preview): PreviewTarget {
  return {
    previewId: p.id,
    name: p.name,
    entityRef: p.entityRef,
    branch: p.branch,
    ...(p.cluster ? { cluster: p.cluster } : {}),
  };
}

/** The use cases of previews: list, create, redeploy, destroy, keep status true, sweep orphans. */
export class PreviewService {
  private readonly baseDomain?: string;
  private readonly urlScheme: string;
  private readonly destroyTimeoutSeconds?: number;

  constructor(private readonly options: PreviewServiceOptions) {
    this.baseDomain = options.config?.getOptionalString('baseDomain');
    this.urlScheme = options.config?.getOptionalString('urlScheme') ?? 'https';
    this.destroyTimeoutSeconds = options.config?.getOptionalNumber('destroyTimeoutSeconds');
    if (!options.engines.has(options.defaultEngine)) {
      throw new Error(
        `previews.defaultEngine is ${JSON.stringify(options.defaultEngine)} but the installed engines are: ${[...options.engines.keys()].join(', ') || 'none'}`,
      );
    }
  }

  async list(entityRef: unknown, includeDestroyed = false): Promise<Preview[]> {
    const ref = entityRef === undefined ? undefined : validateComponentRef(entityRef);
    return this.options.store.list({
      entityRef: ref,
      statuses: includeDestroyed ? undefined : LIVE_PREVIEW_STATUSES,
    });
  }

  async get(id: string): Promise<StoredPreview> {
    const preview = UUID.test(id) ? await this.options.store.get(id) : undefined;
    if (!preview) throw new NotFoundError(`No preview with id ${JSON.stringify(id.slice(0, 80))}`);
    return preview;
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

  private resolveSpec(entity: Entity, branch: string, sha?: string) {
    return resolvePreviewSpec({
      entity,
      branch,
      sha,
      defaults: this.options.config?.getOptionalConfig('defaultSpec'),
      urlReader: this.options.urlReader,
    });
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
  }): Promise<Preview> {
    const entityRef = validateComponentRef(request.entityRef);
    const branch = validateBranch(request.branch);
    const sha = request.sha === undefined ? undefined : validateSha(request.sha);
    const entity = await this.previewableEntity(entityRef, request.credentials);
    const { spec, source } = await this.resolveSpec(entity, branch, sha);
    const engine = this.options.engines.get(this.options.defaultEngine)!;
    const name = previewName(entityRef, branch);
    const host = this.hostOf(name);
    const cluster = spec.cluster ?? entity.metadata.annotations?.[PREVIEWS_CLUSTER_ANNOTATION];

    const preview = await this.options.store.insert({
      id: randomUUID(),
      entityRef,
      branch,
      engine: engine.id,
      name,
      namespace: name,
      status: 'provisioning',
      url: host ? `${this.urlScheme}://${host}` : undefined,
      createdBy: request.createdBy,
      sha,
      cluster,
      specSource: source,
    });
    try {
      await engine.deploy({ ...targetOf(preview), spec, host, sha });
    } catch (e) {
      if (e instanceof PreviewOwnershipError || e instanceof InputError) {
        // Nothing was applied: forget the record so the request changes nothing.
        await this.options.store.deleteUnprovisioned(preview.id);
        if (e instanceof InputError) throw e;
        throw new ConflictError(e.message);
      }
      this.options.logger.error(`Deploying preview ${name} failed: ${e}`);
      return (
        (await this.options.store.transition(preview.id, ['provisioning'], {
          status: 'failed',
          statusMessage: `Deploying failed: ${(e as Error).message}`,
        })) ?? preview
      );
    }
    return preview;
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
    const { spec, source } = await this.resolveSpec(entity, preview.branch, sha);
    const engine = this.engineOf(preview);
    await engine.deploy({ ...targetOf(preview), spec, host: this.hostOf(preview.name), sha });
    const updated = await this.options.store.transition(preview.id, REDEPLOYABLE, {
      status: 'provisioning',
      statusMessage: sha && sha !== preview.sha ? `rolling out ${sha.slice(0, 7)}` : 'rolling out',
      sha,
      specSource: source,
    });
    if (!updated) throw new ConflictError(`Preview ${preview.name} changed status during the redeploy`);
    return updated;
  }

  /** Starts destruction; idempotent. Completion is reported by the engine's tracker. */
  async destroy(id: string): Promise<Preview> {
    const preview = await this.get(id);
    if (!DESTROYABLE.includes(preview.status)) return preview;
    const engine = this.engineOf(preview);
    const destroying =
      (await this.options.store.transition(preview.id, DESTROYABLE, {
        status: 'destroying',
        statusMessage: null,
        destroyStartedAt: new Date().toISOString(),
      })) ?? (await this.get(id));
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

  /** Applies what an engine saw in the cluster to the preview it belongs to. */
  async observe(observation: PreviewObservation): Promise<void> {
    const preview = await this.options.store.findLiveByName(observation.name, observation.cluster);
    if (!preview) return;
    // Objects left by an older preview of the same name say nothing about this one.
    if (observation.previewId && observation.previewId !== preview.id) return;
    const change = statusAfterObservation(preview.status, observation, new Date().toISOString(), {
      destroyingSince: preview.destroyStartedAt,
      destroyTimeoutSeconds: this.destroyTimeoutSeconds,
    });
    const details = observation.details;
    const detailsChanged = details && JSON.stringify(details) !== JSON.stringify(preview.details);
    const statusChanged =
      change &&
      (change.status !== preview.status || (change.statusMessage ?? undefined) !== preview.statusMessage);
    if (!statusChanged && !detailsChanged) return;
    const updated = await this.options.store.transition(preview.id, [preview.status], {
      ...(statusChanged ? change! : { status: preview.status }),
      ...(detailsChanged ? { details } : {}),
    });
    if (updated && updated.status !== preview.status) {
      this.options.logger.info(`Preview ${preview.name} is ${updated.status}`);
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
      if (!engine) continue;
      try {
        if (preview.status === 'destroying') await engine.destroy(targetOf(preview));
        await this.observe(await engine.observe(targetOf(preview)));
      } catch (e) {
        this.options.logger.warn(`Reconciling preview ${preview.name} failed: ${e}`);
      }
    }
  }

  /**
   * Finds object sets in the clusters that carry a preview id no live preview
   * has. Reports them; deletes them only when `dryRun` is false.
   */
  async sweepOrphans(options: { dryRun: boolean; minAgeMinutes?: number }): Promise<OrphanSweepReport> {
    const report: OrphanSweepReport = { dryRun: options.dryRun, orphans: [], deleted: [], errors: [] };
    const live = await this.options.store.list({ statuses: LIVE_PREVIEW_STATUSES });
    for (const engine of this.options.engines.values()) {
      if (!engine.listManaged) continue;
      const orphans = findOrphans(await engine.listManaged(), live, new Date(), options.minAgeMinutes);
      report.orphans.push(...orphans);
      if (options.dryRun || !engine.destroyOrphan) continue;
      for (const orphan of orphans) {
        try {
          await engine.destroyOrphan(orphan);
          report.deleted.push(orphan.name);
        } catch (e) {
          report.errors.push(`${orphan.name}: ${(e as Error).message}`);
        }
      }
    }
    if (report.orphans.length) {
      this.options.logger.warn(
        `Orphan sweep${options.dryRun ? ' (dry run)' : ''}: ${report.orphans.map(o => o.name).join(', ')}` +
          (report.deleted.length ? `; deleted ${report.deleted.join(', ')}` : ''),
      );
    }
    return report;
  }

  private engineOf(preview: Preview): PreviewEngine {
    const engine = this.options.engines.get(preview.engine);
    if (!engine) {
      throw new ConflictError(`Preview ${preview.name} runs on engine ${preview.engine}, which is not installed`);
    }
    return engine;
  }
}
