import { randomUUID } from 'node:crypto';
import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
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
import { PreviewStore } from '../database/PreviewStore';
import { DESTROYABLE, statusAfterObservation } from '../lifecycle/previewLifecycle';
import { previewName } from '../naming/previewName';
import { resolvePreviewSpec } from '../spec/resolvePreviewSpec';
import { validateBranch, validateComponentRef } from './validation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface PreviewServiceOptions {
  store: PreviewStore;
  engines: Map<string, PreviewEngine>;
  defaultEngine: string;
  catalog: CatalogService;
  logger: LoggerService;
  /** The `previews` config block. */
  config?: Config;
}

function targetOf(p: Preview): PreviewTarget {
  return { previewId: p.id, name: p.name, entityRef: p.entityRef, branch: p.branch };
}

/** The use cases of previews: list, create, get, destroy, and keeping status true. */
export class PreviewService {
  private readonly baseDomain?: string;
  private readonly urlScheme: string;

  constructor(private readonly options: PreviewServiceOptions) {
    this.baseDomain = options.config?.getOptionalString('baseDomain');
    this.urlScheme = options.config?.getOptionalString('urlScheme') ?? 'https';
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

  async get(id: string): Promise<Preview> {
    const preview = UUID.test(id) ? await this.options.store.get(id) : undefined;
    if (!preview) throw new NotFoundError(`No preview with id ${JSON.stringify(id.slice(0, 80))}`);
    return preview;
  }

  async create(request: {
    entityRef: unknown;
    branch: unknown;
    credentials: BackstageCredentials;
    createdBy?: string;
  }): Promise<Preview> {
    const entityRef = validateComponentRef(request.entityRef);
    const branch = validateBranch(request.branch);
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: request.credentials,
    });
    if (!entity) throw new InputError(`No component ${entityRef} in the catalog`);
    if (!isPreviewsAvailable(entity)) {
      throw new InputError(
        `Previews are not enabled for ${entityRef}: add the annotation backstage-previews.io/enabled: "true"`,
      );
    }
    const spec = resolvePreviewSpec(entity, this.options.config?.getOptionalConfig('defaultSpec'));
    const engine = this.options.engines.get(this.options.defaultEngine)!;
    const name = previewName(entityRef, branch);
    const host = this.baseDomain ? `${name}.${this.baseDomain}` : undefined;

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
    });
    try {
      await engine.deploy({ ...targetOf(preview), spec, host });
    } catch (e) {
      if (e instanceof PreviewOwnershipError) {
        // Nothing was applied: forget the record so the request changes nothing.
        await this.options.store.deleteUnprovisioned(preview.id);
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

  /** Starts destruction; idempotent. Completion is reported by the engine's tracker. */
  async destroy(id: string): Promise<Preview> {
    const preview = await this.get(id);
    if (!DESTROYABLE.includes(preview.status)) return preview;
    const engine = this.engineOf(preview);
    const destroying =
      (await this.options.store.transition(preview.id, DESTROYABLE, {
        status: 'destroying',
        statusMessage: null,
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
      // Stays `destroying`; the reconciler retries.
      this.options.logger.warn(`Destroying preview ${preview.name} failed, will retry: ${e}`);
    }
    return destroying;
  }

  /** Applies what an engine saw in the cluster to the preview it belongs to. */
  async observe(observation: PreviewObservation): Promise<void> {
    const preview = await this.options.store.findLiveByName(observation.name);
    if (!preview) return;
    // Objects left by an older preview of the same name say nothing about this one.
    if (observation.previewId && observation.previewId !== preview.id) return;
    const change = statusAfterObservation(preview.status, observation, new Date().toISOString());
    if (!change) return;
    if (change.status === preview.status && (change.statusMessage ?? undefined) === preview.statusMessage) {
      return;
    }
    const updated = await this.options.store.transition(preview.id, [preview.status], change);
    if (updated && updated.status !== preview.status) {
      this.options.logger.info(`Preview ${preview.name} is ${updated.status}`);
    }
  }

  /**
   * Reads every live preview from its engine once: catches up on anything a
   * watch missed (backend restarts, dropped watches) and retries destroys.
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

  private engineOf(preview: Preview): PreviewEngine {
    const engine = this.options.engines.get(preview.engine);
    if (!engine) {
      throw new ConflictError(`Preview ${preview.name} runs on engine ${preview.engine}, which is not installed`);
    }
    return engine;
  }
}
