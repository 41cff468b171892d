import {
  AuthService,
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
  PREVIEWS_STAGING_URL_ANNOTATION,
  PreviewSpec,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewDeployment,
  PreviewEngine,
  PreviewFollowUp,
  PreviewStatusListener,
} from '@backstage-previews/plugin-previews-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { StoredPreview } from '../types';
import type { DeployDependencies } from '../types';
import { REDEPLOYABLE } from '../lifecycle/previewLifecycle';
import { resolvePreviewSpec } from '../spec/resolvePreviewSpec';
import type { DependencyRoutesStore } from '../database/DependencyRoutesStore';
import type { ResolvedDependency, WiringPreview } from '../types';
import { dependentsOf } from './dependentsOf';
import {
  apiProviderRefs,
  collectDependencies,
  consumedApiRefs,
} from './collectDependencies';
import { dependencyName } from './dependencyEnvName';
import { groupMembers } from './groupMembers';
import { RecordRerouteEvent, recordReroute } from './rerouteEvents';
import {
  DependencyFacts,
  ROUTABLE_STATUSES,
  dependencyEnv,
  reachableUrl,
  resolveDependencies,
} from './resolveDependencies';

const HTTP_URL = /^https?:\/\/\S+$/;

export interface DependencyWiringOptions {
  store: PreviewsStore;
  routes: DependencyRoutesStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  urlReader?: UrlReaderService;
  /** The `previews` config block. */
  config?: Config;
  /** Records a preview's history event (`rerouted`), when history is kept. */
  recordEvent?: RecordRerouteEvent;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** The branch of `backstage.io/source-location` (`…/tree/<branch>/`), where a component's own spec is read. */
function sourceBranchOf(entity: Entity): string | undefined {
  const location = entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION];
  return location ? /\/(?:tree|blob)\/([^/]+)/.exec(location)?.[1] : undefined;
}

/**
 * Wires previews to their dependencies: which URL each dependency gets
 * (staging, a preview of the dependency, or unresolved), reroutes on request,
 * falls back to staging when a target preview goes away, and groups previews
 * of several components on the same branch. PreviewService calls
 * {@link DependencyWiring.prepare} before every deploy, so any use case that
 * deploys (create, redeploy, build check, reseed, wake) injects the current
 * URLs. Reroute requests are dependencyRoutes.ts.
 */
export class DependencyWiring
  implements DeployDependencies, PreviewStatusListener<StoredPreview>
{
  private readonly includeConsumedApis: boolean;

  constructor(private readonly options: DependencyWiringOptions) {
    this.includeConsumedApis =
      options.config?.getOptionalBoolean('dependencies.includeConsumedApis') ??
      false;
  }

  /**
   * Resolves and records the dependencies of a preview about to be deployed,
   * and how others reach it. On a failure (catalog down) the last resolved
   * URLs are kept rather than dropped.
   */
  async prepare(
    d: PreviewDeployment,
    engine: Pick<PreviewEngine, 'serviceUrlOf'>,
  ): Promise<
    | {
        env: NonNullable<PreviewDeployment['dependencies']>;
        reachableChanged: boolean;
      }
    | undefined
  > {
    const preview = await this.options.store.get(d.previewId);
    if (!preview) return undefined;
    const [before] = await this.options.store.wiringFactsByIds([preview.id]);
    // How other previews reach it: what its engine says, else its public URL.
    const serviceUrl = engine.serviceUrlOf
      ? engine.serviceUrlOf(d)
      : preview.url;
    try {
      const resolved = await this.resolve(preview, d.spec);
      await this.options.store.setResolvedDependencies(
        preview.id,
        resolved,
        serviceUrl,
      );
      await this.updateGroup(preview.branch);
      return {
        env: dependencyEnv(resolved),
        reachableChanged: serviceUrl !== before?.serviceUrl,
      };
    } catch (e) {
      this.options.logger.warn(
        `Resolving the dependencies of preview ${preview.name} failed, keeping the last ones: ${e}`,
      );
      return {
        env: dependencyEnv(preview.dependencies ?? []),
        reachableChanged: false,
      };
    }
  }

  private async resolve(
    preview: StoredPreview,
    spec: PreviewSpec,
  ): Promise<ResolvedDependency[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { catalog } = this.options;
    const entity = await catalog.getEntityByRef(preview.entityRef, {
      credentials,
    });
    if (!entity)
      throw new Error(`No component ${preview.entityRef} in the catalog`);
    const providers = this.includeConsumedApis
      ? await this.apiProviders(entity, credentials)
      : [];
    const declared = collectDependencies(entity, spec, providers);
    if (!declared.length) return [];
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: declared.map(d => d.entityRef) },
      { credentials },
    );
    const facts: DependencyFacts[] = await Promise.all(
      declared.map(async (dependency, i) => {
        const component = items[i];
        if (!component)
          return {
            ...dependency,
            problem: `No component ${dependency.entityRef} in the catalog`,
          };
        return { ...dependency, ...(await this.stagingUrlOf(component)) };
      }),
    );
    const routes = await this.options.routes.routesOf(preview.id);
    const live = await this.options.store.liveForWiring({
      entityRefs: declared.map(d => d.entityRef),
    });
    const liveIds = new Set(live.map(p => p.id));
    const gone = await this.options.store.wiringFactsByIds(
      routes.flatMap(r =>
        r.targetPreviewId && !liveIds.has(r.targetPreviewId)
          ? [r.targetPreviewId]
          : [],
      ),
    );
    return resolveDependencies({
      previewId: preview.id,
      branch: preview.branch,
      cluster: preview.cluster,
      dependencies: facts,
      routes,
      previews: [...live, ...gone],
    });
  }

  /** The components providing the APIs an entity consumes. */
  private async apiProviders(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const apis = consumedApiRefs(entity);
    if (!apis.length) return [];
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: apis },
      { credentials },
    );
    return items.flatMap(api => (api ? apiProviderRefs(api) : []));
  }

  /** A dependency's staging URL: its annotation, else `stagingUrl` of its own preview spec. */
  private async stagingUrlOf(
    component: Entity,
  ): Promise<{ stagingUrl?: string; problem?: string }> {
    const ref = stringifyEntityRef(component);
    const annotation =
      component.metadata.annotations?.[PREVIEWS_STAGING_URL_ANNOTATION]?.trim();
    if (annotation) {
      return HTTP_URL.test(annotation)
        ? { stagingUrl: annotation }
        : {
            problem: `The annotation ${PREVIEWS_STAGING_URL_ANNOTATION} of ${ref} must be an http(s) URL`,
          };
    }
    try {
      const { spec } = await resolvePreviewSpec({
        entity: component,
        branch: sourceBranchOf(component) ?? 'main',
        urlReader: this.options.urlReader,
      });
      return spec.stagingUrl ? { stagingUrl: spec.stagingUrl } : {};
    } catch {
      // No spec of its own (or unreadable): no staging URL from it.
      return {};
    }
  }

  /** Recomputes which live previews of a branch form its group. */
  private async updateGroup(branch: string): Promise<void> {
    const previews = (
      await this.options.store.liveForWiring({ branch })
    ).filter(p => p.status !== 'destroying');
    await this.options.store.setDependencyGroup(
      branch,
      groupMembers(previews, branch),
    );
  }

  /**
   * A preview became reachable (or its address changed): previews of the
   * same branch that depend on its component and were not pointed elsewhere
   * by a user are redeployed (they now get it), as are those already routed to it.
   */
  async wireDependents(
    previewId: string,
    followUp: PreviewFollowUp,
  ): Promise<void> {
    const [target] = await this.options.store.liveForWiring({
      ids: [previewId],
    });
    if (!target || !ROUTABLE_STATUSES.includes(target.status)) return;
    const sameBranch = await this.options.store.liveForWiring({
      branch: target.branch,
    });
    const routedToIt = await dependentsOf(this.options, previewId);
    const toRedeploy = new Map<string, WiringPreview>();
    for (const p of routedToIt) toRedeploy.set(p.id, p);
    for (const p of sameBranch) {
      if (p.id === target.id || !REDEPLOYABLE.includes(p.status)) continue;
      const dependency = p.dependencies?.find(
        d => lower(d.entityRef) === lower(target.entityRef),
      );
      if (
        !dependency ||
        dependency.previewId === target.id ||
        !reachableUrl(target, p.cluster)
      )
        continue;
      const route = (await this.options.routes.routesOf(p.id)).find(
        r => r.dependencyRef === lower(target.entityRef),
      );
      if (route?.explicit) continue;
      toRedeploy.set(p.id, p);
    }
    for (const p of toRedeploy.values()) {
      if (p.id === target.id) continue;
      await recordReroute(
        this.options,
        p.id,
        'system',
        `${dependencyName(target.entityRef)} now points to preview ${
          target.name
        } (branch ${target.branch})`,
      );
      await this.redeploy(p, `${target.name} became reachable`, followUp);
    }
  }

  private async redeploy(
    preview: WiringPreview,
    why: string,
    followUp: PreviewFollowUp,
  ): Promise<void> {
    if (!REDEPLOYABLE.includes(preview.status)) return;
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      await followUp.redeploy(preview.id, { credentials });
      this.options.logger.info(`Rewired preview ${preview.name}: ${why}`);
    } catch (e) {
      this.options.logger.warn(
        `Rewiring preview ${preview.name} (${why}) failed: ${e}`,
      );
    }
  }

  /**
   * The status hook: a preview being destroyed (by a user, at expiry, by its
   * pull request) no longer serves its dependents; they fall back to staging
   * with a notice and are redeployed.
   */
  onStatusChange = async (
    preview: StoredPreview,
    previous: PreviewStatus | undefined,
    followUp: PreviewFollowUp,
  ) => {
    const gone = (s?: PreviewStatus) => s === 'destroying' || s === 'destroyed';
    // Its own routes are history once it is destroyed.
    if (preview.status === 'destroyed')
      await this.options.routes.deleteRoutesOf(preview.id);
    if (!gone(preview.status) || gone(previous)) return;
    await this.fallBack(preview, followUp);
  };

  private async fallBack(
    target: StoredPreview,
    followUp: PreviewFollowUp,
  ): Promise<void> {
    for (const dependent of await dependentsOf(this.options, target.id)) {
      if (dependent.id === target.id) continue;
      const routes = await this.options.routes.routesOf(dependent.id);
      const refs = new Set([
        ...(dependent.dependencies ?? [])
          .filter(d => d.previewId === target.id)
          .map(d => lower(d.entityRef)),
        ...routes
          .filter(r => r.targetPreviewId === target.id)
          .map(r => r.dependencyRef),
      ]);
      const notices: string[] = [];
      for (const ref of refs) {
        const hasStaging = dependent.dependencies?.some(
          d => lower(d.entityRef) === ref && d.stagingUrl,
        );
        const notice = `${dependencyName(target.entityRef)} preview ${
          target.name
        } was destroyed; now using ${
          hasStaging ? 'staging' : 'nothing (no staging URL)'
        }`;
        notices.push(notice);
        await this.options.routes.setRoute(dependent.id, {
          dependencyRef: ref,
          explicit: false,
          message: notice,
        });
      }
      await recordReroute(
        this.options,
        dependent.id,
        'system',
        notices.join('; '),
      );
      await this.redeploy(dependent, notices.join('; '), followUp);
    }
    await this.updateGroup(target.branch);
  }
}
