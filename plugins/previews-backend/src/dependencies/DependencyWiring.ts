import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_SOURCE_LOCATION, Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ListDependencyTargetsResponse,
  PREVIEWS_STAGING_URL_ANNOTATION,
  Preview,
  PreviewDependency,
  PreviewSpec,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import { PreviewDeployment, PreviewEngine } from '@backstage-previews/plugin-previews-node';
import type { PreviewStore, StoredPreview } from '../database/PreviewStore';
import type { PreviewService } from '../service/PreviewService';
import { REDEPLOYABLE } from '../lifecycle/previewLifecycle';
import { resolvePreviewSpec } from '../spec/resolvePreviewSpec';
import { DependencyStore, WiringPreview } from './DependencyStore';
import { apiProviderRefs, collectDependencies, consumedApiRefs } from './collectDependencies';
import { dependencyName } from './dependencyEnvName';
import { groupMembers } from './groupMembers';
import { previewServiceUrl } from './previewServiceUrl';
import { validateRerouteRequest } from './rerouteRequest';
import { actorOf } from '../events/PreviewHistory';
import {
  DependencyFacts,
  DependencyRoute,
  ROUTABLE_STATUSES,
  ResolvedDependency,
  dependencyEnv,
  missingStagingUrlMessage,
  reachableUrl,
  resolveDependencies,
} from './resolveDependencies';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HTTP_URL = /^https?:\/\/\S+$/;

export interface DependencyWiringOptions {
  store: PreviewStore;
  dependencyStore: DependencyStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  urlReader?: UrlReaderService;
  /** The `previews` config block. */
  config?: Config;
  /** The use cases (redeploying dependents goes through them, so status shows the rollout). */
  service: () => PreviewService;
  /** Records a preview's history event (`rerouted`), when history is kept. */
  recordEvent?: (previewId: string, event: { type: string; actor?: string; message: string }) => Promise<void>;
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
 * of several components on the same branch. Every deploy of a preview goes
 * through {@link DependencyWiring.wrap}, so any use case that deploys (create,
 * redeploy, build check, reseed, wake) injects the current URLs.
 */
export class DependencyWiring {
  private readonly includeConsumedApis: boolean;

  constructor(private readonly options: DependencyWiringOptions) {
    this.includeConsumedApis = options.config?.getOptionalBoolean('dependencies.includeConsumedApis') ?? false;
  }

  /** The engine with every deploy given the preview's resolved dependency URLs. */
  wrap(engine: PreviewEngine): PreviewEngine {
    const deploy = (d: PreviewDeployment) => this.deployWired(engine, d);
    return new Proxy(engine, {
      get(target, prop) {
        if (prop === 'deploy') return deploy;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private async deployWired(engine: PreviewEngine, d: PreviewDeployment): Promise<void> {
    const prepared = await this.prepare(d);
    await engine.deploy(prepared ? { ...d, dependencies: prepared.env } : d);
    if (prepared?.reachableChanged) {
      this.background(`wiring the previews that use ${d.name}`, () => this.wireDependents(d.previewId));
    }
  }

  /**
   * Resolves and records the dependencies of a preview about to be deployed,
   * and how others reach it. On a failure (catalog down) the last resolved
   * URLs are kept rather than dropped.
   */
  private async prepare(
    d: PreviewDeployment,
  ): Promise<{ env: NonNullable<PreviewDeployment['dependencies']>; reachableChanged: boolean } | undefined> {
    const preview = await this.options.store.get(d.previewId);
    if (!preview) return undefined;
    const [before] = await this.options.dependencyStore.byIds([preview.id]);
    const serviceUrl = previewServiceUrl(preview, d.spec);
    try {
      const resolved = await this.resolve(preview, d.spec);
      await this.options.dependencyStore.setResolved(preview.id, resolved, serviceUrl);
      await this.updateGroup(preview.branch);
      return { env: dependencyEnv(resolved), reachableChanged: serviceUrl !== before?.serviceUrl };
    } catch (e) {
      this.options.logger.warn(`Resolving the dependencies of preview ${preview.name} failed, keeping the last ones: ${e}`);
      return { env: dependencyEnv(preview.dependencies ?? []), reachableChanged: false };
    }
  }

  private async resolve(preview: StoredPreview, spec: PreviewSpec): Promise<ResolvedDependency[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { catalog } = this.options;
    const entity = await catalog.getEntityByRef(preview.entityRef, { credentials });
    if (!entity) throw new Error(`No component ${preview.entityRef} in the catalog`);
    const providers = this.includeConsumedApis ? await this.apiProviders(entity, credentials) : [];
    const declared = collectDependencies(entity, spec, providers);
    if (!declared.length) return [];
    const { items } = await catalog.getEntitiesByRefs({ entityRefs: declared.map(d => d.entityRef) }, { credentials });
    const facts: DependencyFacts[] = await Promise.all(
      declared.map(async (dependency, i) => {
        const component = items[i];
        if (!component) return { ...dependency, problem: `No component ${dependency.entityRef} in the catalog` };
        return { ...dependency, ...(await this.stagingUrlOf(component)) };
      }),
    );
    const routes = await this.options.dependencyStore.routesOf(preview.id);
    const live = await this.options.dependencyStore.live({ entityRefs: declared.map(d => d.entityRef) });
    const liveIds = new Set(live.map(p => p.id));
    const gone = await this.options.dependencyStore.byIds(
      routes.flatMap(r => (r.targetPreviewId && !liveIds.has(r.targetPreviewId) ? [r.targetPreviewId] : [])),
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
  private async apiProviders(entity: Entity, credentials: BackstageCredentials): Promise<string[]> {
    const apis = consumedApiRefs(entity);
    if (!apis.length) return [];
    const { items } = await this.options.catalog.getEntitiesByRefs({ entityRefs: apis }, { credentials });
    return items.flatMap(api => (api ? apiProviderRefs(api) : []));
  }

  /** A dependency's staging URL: its annotation, else `stagingUrl` of its own preview spec. */
  private async stagingUrlOf(component: Entity): Promise<{ stagingUrl?: string; problem?: string }> {
    const ref = stringifyEntityRef(component);
    const annotation = component.metadata.annotations?.[PREVIEWS_STAGING_URL_ANNOTATION]?.trim();
    if (annotation) {
      return HTTP_URL.test(annotation)
        ? { stagingUrl: annotation }
        : { problem: `The annotation ${PREVIEWS_STAGING_URL_ANNOTATION} of ${ref} must be an http(s) URL` };
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
    const previews = (await this.options.dependencyStore.live({ branch })).filter(p => p.status !== 'destroying');
    await this.options.dependencyStore.setGroup(branch, groupMembers(previews, branch));
  }

  /**
   * A preview became reachable (or its address changed): previews of the
   * same branch that depend on its component and were not pointed elsewhere
   * by a user are redeployed (they now get it), as are those already routed to it.
   */
  private async wireDependents(previewId: string): Promise<void> {
    const [target] = await this.options.dependencyStore.live({ ids: [previewId] });
    if (!target || !ROUTABLE_STATUSES.includes(target.status)) return;
    const sameBranch = await this.options.dependencyStore.live({ branch: target.branch });
    const routedToIt = await this.options.dependencyStore.dependentsOf(previewId);
    const toRedeploy = new Map<string, WiringPreview>();
    for (const p of routedToIt) toRedeploy.set(p.id, p);
    for (const p of sameBranch) {
      if (p.id === target.id || !REDEPLOYABLE.includes(p.status)) continue;
      const dependency = p.dependencies?.find(d => lower(d.entityRef) === lower(target.entityRef));
      if (!dependency || dependency.previewId === target.id || !reachableUrl(target, p.cluster)) continue;
      const route = (await this.options.dependencyStore.routesOf(p.id)).find(r => r.dependencyRef === lower(target.entityRef));
      if (route?.explicit) continue;
      toRedeploy.set(p.id, p);
    }
    for (const p of toRedeploy.values()) {
      if (p.id === target.id) continue;
      await this.event(p.id, 'system', `${dependencyName(target.entityRef)} now points to preview ${target.name} (branch ${target.branch})`);
      await this.redeploy(p, `${target.name} became reachable`);
    }
  }

  private async redeploy(preview: WiringPreview, why: string): Promise<void> {
    if (!REDEPLOYABLE.includes(preview.status)) return;
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      await this.options.service().redeploy(preview.id, { credentials });
      this.options.logger.info(`Rewired preview ${preview.name}: ${why}`);
    } catch (e) {
      this.options.logger.warn(`Rewiring preview ${preview.name} (${why}) failed: ${e}`);
    }
  }

  /**
   * The status hook: a preview being destroyed (by a user, at expiry, by its
   * pull request) no longer serves its dependents; they fall back to staging
   * with a notice and are redeployed.
   */
  onStatusChange = async (preview: StoredPreview, previous: PreviewStatus | undefined) => {
    const gone = (s?: PreviewStatus) => s === 'destroying' || s === 'destroyed';
    // Its own routes are history once it is destroyed.
    if (preview.status === 'destroyed') await this.options.dependencyStore.deleteRoutesOf(preview.id);
    if (!gone(preview.status) || gone(previous)) return;
    await this.fallBack(preview);
  };

  private async fallBack(target: StoredPreview): Promise<void> {
    const store = this.options.dependencyStore;
    for (const dependent of await store.dependentsOf(target.id)) {
      if (dependent.id === target.id) continue;
      const routes = await store.routesOf(dependent.id);
      const refs = new Set([
        ...(dependent.dependencies ?? []).filter(d => d.previewId === target.id).map(d => lower(d.entityRef)),
        ...routes.filter(r => r.targetPreviewId === target.id).map(r => r.dependencyRef),
      ]);
      const notices: string[] = [];
      for (const ref of refs) {
        const hasStaging = dependent.dependencies?.some(d => lower(d.entityRef) === ref && d.stagingUrl);
        const notice = `${dependencyName(target.entityRef)} preview ${target.name} was destroyed; now using ${
          hasStaging ? 'staging' : 'nothing (no staging URL)'
        }`;
        notices.push(notice);
        await store.setRoute(dependent.id, { dependencyRef: ref, explicit: false, message: notice });
      }
      await this.event(dependent.id, 'system', notices.join('; '));
      await this.redeploy(dependent, notices.join('; '));
    }
    await this.updateGroup(target.branch);
  }

  /** A `rerouted` history event; history never fails the work it records. */
  private async event(previewId: string, actor: string, message: string): Promise<void> {
    try {
      await this.options.recordEvent?.(previewId, { type: 'rerouted', actor, message });
    } catch (e) {
      this.options.logger.warn(`Recording a reroute of preview ${previewId} failed: ${e}`);
    }
  }

  /** A preview and one of its dependencies, from the request's path parameters. */
  private async dependencyOf(
    id: string,
    dependencyRef: string,
    notFound: (message: string) => Error,
  ): Promise<{ preview: StoredPreview; dependency: PreviewDependency; ref: string }> {
    const preview = await this.options.service().get(id);
    let ref: string;
    try {
      ref = lower(
        stringifyEntityRef(
          parseEntityRef(dependencyRef, {
            defaultKind: 'component',
            defaultNamespace: parseEntityRef(preview.entityRef).namespace,
          }),
        ),
      );
    } catch (e) {
      throw new InputError(`Invalid dependency ${JSON.stringify(dependencyRef.slice(0, 200))}: ${(e as Error).message}`);
    }
    const dependency = preview.dependencies?.find(d => lower(d.entityRef) === ref);
    if (!dependency) {
      const known = preview.dependencies?.map(d => d.entityRef).join(', ');
      throw notFound(
        `${ref} is not a dependency of preview ${preview.name}; ${known ? `its dependencies are ${known}` : 'it has no dependencies'}`,
      );
    }
    return { preview, dependency, ref };
  }

  private async stagingUrlFromLastDeploy(previewId: string, ref: string): Promise<string | undefined> {
    const [preview] = await this.options.dependencyStore.live({ ids: [previewId] });
    return preview?.dependencies?.find(d => lower(d.entityRef) === ref)?.stagingUrl;
  }

  /** `GET /previews/:id/dependencies/:dependencyRef/targets`: staging and the dependency's live previews. */
  async targets(id: string, dependencyRef: string): Promise<ListDependencyTargetsResponse> {
    const { preview, ref } = await this.dependencyOf(id, dependencyRef, m => new NotFoundError(m));
    const stagingUrl = await this.stagingUrlFromLastDeploy(preview.id, ref);
    const candidates = (await this.options.dependencyStore.live({ entityRefs: [ref] })).filter(
      p => p.id !== preview.id && ROUTABLE_STATUSES.includes(p.status) && reachableUrl(p, preview.cluster),
    );
    const items: ListDependencyTargetsResponse['items'] = [{ target: 'staging', ...(stagingUrl ? { url: stagingUrl } : {}) }];
    for (const candidate of candidates) {
      const stored = await this.options.store.get(candidate.id);
      if (!stored) continue;
      items.push({
        target: 'preview',
        url: reachableUrl(candidate, preview.cluster),
        previewId: stored.id,
        name: stored.name,
        branch: stored.branch,
        status: stored.status,
        ...(stored.pullRequest ? { pullRequest: stored.pullRequest } : {}),
      });
    }
    return { items };
  }

  /**
   * `PUT /previews/:id/dependencies/:dependencyRef`: points one dependency
   * at staging or at a live preview of it, then redeploys. Everything is
   * checked first; a refused request changes nothing.
   */
  async reroute(
    id: string,
    dependencyRef: string,
    body: Record<string, unknown>,
    credentials: BackstageCredentials,
  ): Promise<Preview> {
    const { preview, ref } = await this.dependencyOf(id, dependencyRef, m => new InputError(m));
    const request = validateRerouteRequest(body);
    if (!REDEPLOYABLE.includes(preview.status)) {
      throw new ConflictError(`Preview ${preview.name} is ${preview.status} and cannot be rerouted`);
    }
    let route: DependencyRoute;
    let targetName = '';
    if (request.target === 'preview') {
      const targetId = request.previewId!;
      if (targetId === preview.id) throw new InputError(`Preview ${preview.name} cannot be routed to itself`);
      const target = UUID.test(targetId) ? await this.options.store.get(targetId) : undefined;
      if (!target) throw new InputError(`No preview with id ${JSON.stringify(targetId)}`);
      if (lower(target.entityRef) !== ref) {
        throw new InputError(`Preview ${target.name} is a preview of ${target.entityRef}, not of the dependency ${ref}`);
      }
      if (!ROUTABLE_STATUSES.includes(target.status)) {
        throw new ConflictError(
          `Preview ${target.name} is ${target.status}; only a ${ROUTABLE_STATUSES.join(', ')} preview can be routed to`,
        );
      }
      const [facts] = await this.options.dependencyStore.byIds([target.id]);
      if (!facts?.serviceUrl) {
        throw new ConflictError(
          `Preview ${target.name} cannot be reached: it exposes no workload with a port (or was deployed before dependency wiring; redeploy it)`,
        );
      }
      if (!reachableUrl(facts, preview.cluster)) {
        throw new ConflictError(
          `Preview ${target.name} runs in cluster ${target.cluster ?? 'default'} and has no public URL, so preview ${preview.name} (cluster ${preview.cluster ?? 'default'}) cannot reach it`,
        );
      }
      route = { dependencyRef: ref, targetPreviewId: target.id, explicit: true };
      targetName = target.name;
    } else {
      if (!(await this.stagingUrlFromLastDeploy(preview.id, ref))) throw new ConflictError(missingStagingUrlMessage(ref));
      route = { dependencyRef: ref, explicit: true };
    }
    const before = (await this.options.dependencyStore.routesOf(preview.id)).find(r => r.dependencyRef === ref);
    const recordChoice = () =>
      this.event(
        preview.id,
        actorOf(credentials),
        `${dependencyName(ref)} rerouted to ${request.target === 'preview' ? `preview ${targetName}` : 'staging'}`,
      );
    if (await this.alreadyThere(preview.id, ref, route)) {
      // Nothing to roll out: remember the choice (it now outlives branch
      // grouping) and drop a fallback notice.
      await this.options.dependencyStore.setRoute(preview.id, route);
      await recordChoice();
      return this.options.service().get(preview.id);
    }
    await this.options.dependencyStore.setRoute(preview.id, route);
    let started: Preview;
    try {
      started = await this.options.service().redeploy(preview.id, { credentials });
    } catch (e) {
      await this.options.dependencyStore.restoreRoute(preview.id, ref, before);
      throw e;
    }
    await recordChoice();
    // The rollout as recorded when it started, with the dependencies it rolls out.
    const fresh = await this.options.store.get(preview.id);
    return { ...started, dependencies: fresh?.dependencies ?? started.dependencies, group: fresh?.group };
  }

  /**
   * Whether a dependency already points where a route would send it; if so,
   * its notice is dropped from the recorded dependencies.
   */
  private async alreadyThere(previewId: string, ref: string, route: DependencyRoute): Promise<boolean> {
    const [preview] = await this.options.dependencyStore.live({ ids: [previewId] });
    const resolved = preview?.dependencies ?? [];
    const current = resolved.find(d => lower(d.entityRef) === ref);
    const same = route.targetPreviewId
      ? current?.target === 'preview' && current.previewId === route.targetPreviewId
      : current?.target === 'staging';
    if (!same) return false;
    if (current?.message) {
      await this.options.dependencyStore.updateResolved(
        previewId,
        resolved.map(d => (d === current ? { ...d, message: undefined } : d)),
      );
    }
    return true;
  }

  /** `GET /groups/:branch`: the live previews of the branch wired to each other. */
  async group(branch: string): Promise<Preview[]> {
    const members = await this.options.dependencyStore.live({ group: branch });
    return Promise.all(members.map(member => this.options.service().get(member.id)));
  }

  /** Work after a deploy that must not delay nor fail it. */
  private background(what: string, work: () => Promise<void>) {
    work().catch(e => {
      this.options.logger.warn(`${what} failed: ${e}`);
    });
  }
}
