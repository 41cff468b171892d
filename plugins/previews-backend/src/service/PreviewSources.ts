import {
  BackstageCredentials,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotImplementedError,
} from '@backstage/errors';
import {
  PREVIEWS_ENGINE_ANNOTATION,
  Preview,
  isPreviewsAvailable,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewDeployment,
  PreviewEngine,
} from '@backstage-previews/plugin-previews-node';
import { resolvePreviewSpec } from '../spec/resolvePreviewSpec';
import { chooseDefaultEngine, DefaultEngine } from './defaultEngine';
import { readSeedDump } from '../spec/readSeedDump';
import { repoUrlFromSourceLocation } from '../spec/sourceLocation';

/** The component's Git repository from `backstage.io/source-location` (without `url:` and `/tree/...`). */
function repoUrlOf(entity: Entity): string | undefined {
  return repoUrlFromSourceLocation(
    entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION],
  );
}

/** The annotation by which Backstage's Kubernetes plugin finds a component's objects. */
const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/** The component's id for the Kubernetes plugin: its `backstage.io/kubernetes-id`, else its name. */
export function kubernetesIdOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION] ||
    entity.metadata.name
  );
}

export interface PreviewSourcesOptions {
  catalog: CatalogService;
  urlReader?: UrlReaderService;
  /** The `previews` config block. */
  config?: Config;
  engines: ReadonlyMap<string, PreviewEngine>;
  /** `previews.defaultEngine`, when set. */
  defaultEngine?: string;
  logger?: LoggerService;
}

/**
 * Where a preview comes from, checked: its component (in the catalog, with
 * previews enabled), its spec at a branch and commit (with what the
 * engine's configuration refuses and the seed dump), and its engine.
 */
export class PreviewSources {
  private readonly kubernetesIdLabel: boolean;
  private readonly defaultEngine: DefaultEngine;

  constructor(private readonly options: PreviewSourcesOptions) {
    this.kubernetesIdLabel =
      options.config?.getOptionalBoolean(
        'kubernetesPlugin.kubernetesIdLabel',
      ) ?? false;
    this.defaultEngine = chooseDefaultEngine(options.defaultEngine, [
      ...options.engines.keys(),
    ]);
    if (this.defaultEngine.id === undefined) {
      options.logger?.warn(
        `${this.defaultEngine.problem}. Previews can be listed, but not created.`,
      );
    }
  }
  /** What a deployment takes from its component: its repository, and its Kubernetes plugin id when previews are labelled with it. */
  componentFields(
    entity: Entity,
  ): Pick<PreviewDeployment, 'repoUrl' | 'kubernetesId'> {
    return {
      repoUrl: repoUrlOf(entity),
      ...(this.kubernetesIdLabel && { kubernetesId: kubernetesIdOf(entity) }),
    };
  }

  /**
   * The engine a new preview runs on: the spec's `engine`, else the
   * component's annotation, else the default engine (see chooseDefaultEngine).
   */
  engineFor(entity: Entity, spec: { engine?: string }): PreviewEngine {
    const annotation =
      entity.metadata.annotations?.[PREVIEWS_ENGINE_ANNOTATION];
    const chosen = this.defaultEngine;
    // the portal is not set up for previews yet: nothing the user can fix
    if (!spec.engine && !annotation && chosen.id === undefined)
      throw new NotImplementedError(chosen.problem);
    const id = spec.engine ?? annotation ?? chosen.id!;
    const engine = this.options.engines.get(id);
    if (!engine) {
      const from = engineSource(spec.engine, annotation);
      throw new InputError(
        `${stringifyEntityRef(entity)} asks for the ${JSON.stringify(
          id,
        )} engine (from ${from}), which is not installed; installed engines: ${[
          ...this.options.engines.keys(),
        ].join(', ')}`,
      );
    }
    return engine;
  }

  async previewableEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity)
      throw new InputError(`No component ${entityRef} in the catalog`);
    if (!isPreviewsAvailable(entity)) {
      throw new InputError(
        `Previews are not enabled for ${entityRef}: add the annotation backstage-previews.io/enabled: "true"`,
      );
    }
    return entity;
  }

  async resolveSpec(entity: Entity, branch: string, sha?: string) {
    const resolved = await resolvePreviewSpec({
      entity,
      branch,
      sha,
      defaults: this.options.config?.getOptionalConfig('defaultSpec'),
      urlReader: this.options.urlReader,
    });
    // What the engine's configuration does not allow (secret sources), before anything is recorded.
    const entityRef = stringifyEntityRef(entity);
    const problems =
      this.engineFor(entity, resolved.spec).specProblems?.(resolved.spec, {
        entityRef,
      }) ?? [];
    if (problems.length) {
      throw new InputError(
        `Invalid preview spec in ${
          resolved.source
        } of ${entityRef}: ${problems.join('; ')}`,
      );
    }
    // The database's seed dump, from the repository at the same commit (issue 7).
    const seedDump = await readSeedDump({
      entity,
      branch,
      sha,
      spec: resolved.spec,
      urlReader: this.options.urlReader,
    });
    return { ...resolved, ...(seedDump ? { seedDump } : {}) };
  }

  /** The component (checked: in the catalog, previews enabled) and its spec at the branch and commit. */
  async resolve(
    entityRef: string,
    branch: string,
    sha: string | undefined,
    credentials: BackstageCredentials,
  ) {
    const entity = await this.previewableEntity(entityRef, credentials);
    return { entity, ...(await this.resolveSpec(entity, branch, sha)) };
  }

  engineOf(preview: Preview): PreviewEngine {
    const engine = this.options.engines.get(preview.engine);
    if (!engine) {
      throw new ConflictError(
        `Preview ${preview.name} runs on engine ${preview.engine}, which is not installed`,
      );
    }
    return engine;
  }
}

/** A component and its spec, resolved for a deploy. */
export type ResolvedSource = Awaited<ReturnType<PreviewSources['resolve']>>;

/** Where the engine a preview asks for was named, for the error when it is not installed. */
function engineSource(
  specEngine: string | undefined,
  annotation: string | undefined,
): string {
  if (specEngine) return 'its preview spec';
  if (annotation) return `the annotation ${PREVIEWS_ENGINE_ANNOTATION}`;
  return 'previews.defaultEngine';
}
