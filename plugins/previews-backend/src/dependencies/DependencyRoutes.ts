import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ListDependencyTargetsResponse,
  Preview,
  PreviewDependency,
} from '@backstage-previews/plugin-previews-common';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { StoredPreview } from '../types';
import { REDEPLOYABLE } from '../lifecycle/previewLifecycle';
import { actorOf } from '../events/PreviewHistory';
import type { DependencyRoutesStore } from '../database/DependencyRoutesStore';
import { dependencyName } from './dependencyEnvName';
import { validateRerouteRequest } from './rerouteRequest';
import { RecordRerouteEvent, recordReroute } from './rerouteEvents';
import type { DependencyRoute } from '../types';
import {
  ROUTABLE_STATUSES,
  missingStagingUrlMessage,
  reachableUrl,
} from './resolveDependencies';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

export interface DependencyRoutesOptions {
  store: PreviewsStore;
  routes: DependencyRoutesStore;
  /** The use cases: reads go through them (links, cost) and a reroute redeploys through them. */
  service: {
    get(id: string): Promise<StoredPreview>;
    redeploy(
      id: string,
      request: { credentials: BackstageCredentials },
    ): Promise<Preview>;
  };
  logger: LoggerService;
  recordEvent?: RecordRerouteEvent;
}

/**
 * What users ask of dependency wiring: where a dependency may point
 * (`targets`), pointing it there (`reroute`), and a branch's group.
 */
export class DependencyRoutes {
  constructor(private readonly options: DependencyRoutesOptions) {}

  /** A preview and one of its dependencies, from the request's path parameters. */
  private async dependencyOf(
    id: string,
    dependencyRef: string,
    notFound: (message: string) => Error,
  ): Promise<{
    preview: StoredPreview;
    dependency: PreviewDependency;
    ref: string;
  }> {
    const preview = await this.options.service.get(id);
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
      throw new InputError(
        `Invalid dependency ${JSON.stringify(dependencyRef.slice(0, 200))}: ${
          (e as Error).message
        }`,
      );
    }
    const dependency = preview.dependencies?.find(
      d => lower(d.entityRef) === ref,
    );
    if (!dependency) {
      const known = preview.dependencies?.map(d => d.entityRef).join(', ');
      throw notFound(
        `${ref} is not a dependency of preview ${preview.name}; ${
          known ? `its dependencies are ${known}` : 'it has no dependencies'
        }`,
      );
    }
    return { preview, dependency, ref };
  }

  private async stagingUrlFromLastDeploy(
    previewId: string,
    ref: string,
  ): Promise<string | undefined> {
    const [preview] = await this.options.store.liveForWiring({
      ids: [previewId],
    });
    return preview?.dependencies?.find(d => lower(d.entityRef) === ref)
      ?.stagingUrl;
  }

  /** `GET /previews/:id/dependencies/:dependencyRef/targets`: staging and the dependency's live previews. */
  async targets(
    id: string,
    dependencyRef: string,
  ): Promise<ListDependencyTargetsResponse> {
    const { preview, ref } = await this.dependencyOf(
      id,
      dependencyRef,
      m => new NotFoundError(m),
    );
    const stagingUrl = await this.stagingUrlFromLastDeploy(preview.id, ref);
    const candidates = (
      await this.options.store.liveForWiring({ entityRefs: [ref] })
    ).filter(
      p =>
        p.id !== preview.id &&
        ROUTABLE_STATUSES.includes(p.status) &&
        reachableUrl(p, preview.cluster),
    );
    const items: ListDependencyTargetsResponse['items'] = [
      { target: 'staging', ...(stagingUrl ? { url: stagingUrl } : {}) },
    ];
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
    const { preview, ref } = await this.dependencyOf(
      id,
      dependencyRef,
      m => new InputError(m),
    );
    const request = validateRerouteRequest(body);
    if (!REDEPLOYABLE.includes(preview.status)) {
      throw new ConflictError(
        `Preview ${preview.name} is ${preview.status} and cannot be rerouted`,
      );
    }
    let route: DependencyRoute;
    let targetName = '';
    if (request.target === 'preview') {
      const targetId = request.previewId!;
      if (targetId === preview.id)
        throw new InputError(
          `Preview ${preview.name} cannot be routed to itself`,
        );
      const target = UUID.test(targetId)
        ? await this.options.store.get(targetId)
        : undefined;
      if (!target)
        throw new InputError(`No preview with id ${JSON.stringify(targetId)}`);
      if (lower(target.entityRef) !== ref) {
        throw new InputError(
          `Preview ${target.name} is a preview of ${target.entityRef}, not of the dependency ${ref}`,
        );
      }
      if (!ROUTABLE_STATUSES.includes(target.status)) {
        throw new ConflictError(
          `Preview ${target.name} is ${
            target.status
          }; only a ${ROUTABLE_STATUSES.join(', ')} preview can be routed to`,
        );
      }
      const [facts] = await this.options.store.wiringFactsByIds([target.id]);
      if (!facts?.serviceUrl) {
        throw new ConflictError(
          `Preview ${target.name} cannot be reached: it exposes no workload with a port (or was deployed before dependency wiring; redeploy it)`,
        );
      }
      if (!reachableUrl(facts, preview.cluster)) {
        throw new ConflictError(
          `Preview ${target.name} runs in cluster ${
            target.cluster ?? 'default'
          } and has no public URL, so preview ${preview.name} (cluster ${
            preview.cluster ?? 'default'
          }) cannot reach it`,
        );
      }
      route = {
        dependencyRef: ref,
        targetPreviewId: target.id,
        explicit: true,
      };
      targetName = target.name;
    } else {
      if (!(await this.stagingUrlFromLastDeploy(preview.id, ref)))
        throw new ConflictError(missingStagingUrlMessage(ref));
      route = { dependencyRef: ref, explicit: true };
    }
    const before = (await this.options.routes.routesOf(preview.id)).find(
      r => r.dependencyRef === ref,
    );
    const recordChoice = () =>
      recordReroute(
        this.options,
        preview.id,
        actorOf(credentials),
        `${dependencyName(ref)} rerouted to ${
          request.target === 'preview' ? `preview ${targetName}` : 'staging'
        }`,
      );
    if (await this.alreadyThere(preview.id, ref, route)) {
      // Nothing to roll out: remember the choice (it now outlives branch
      // grouping) and drop a fallback notice.
      await this.options.routes.setRoute(preview.id, route);
      await recordChoice();
      return this.options.service.get(preview.id);
    }
    await this.options.routes.setRoute(preview.id, route);
    let started: Preview;
    try {
      started = await this.options.service.redeploy(preview.id, {
        credentials,
      });
    } catch (e) {
      await this.options.routes.restoreRoute(preview.id, ref, before);
      throw e;
    }
    await recordChoice();
    // The rollout as recorded when it started, with the dependencies it rolls out.
    const fresh = await this.options.store.get(preview.id);
    return {
      ...started,
      dependencies: fresh?.dependencies ?? started.dependencies,
      group: fresh?.group,
    };
  }

  /**
   * Whether a dependency already points where a route would send it; if so,
   * its notice is dropped from the recorded dependencies.
   */
  private async alreadyThere(
    previewId: string,
    ref: string,
    route: DependencyRoute,
  ): Promise<boolean> {
    const [preview] = await this.options.store.liveForWiring({
      ids: [previewId],
    });
    const resolved = preview?.dependencies ?? [];
    const current = resolved.find(d => lower(d.entityRef) === ref);
    const same = route.targetPreviewId
      ? current?.target === 'preview' &&
        current.previewId === route.targetPreviewId
      : current?.target === 'staging';
    if (!same) return false;
    if (current?.message) {
      await this.options.store.updateResolvedDependencies(
        previewId,
        resolved.map(d => (d === current ? { ...d, message: undefined } : d)),
      );
    }
    return true;
  }

  /** `GET /groups/:branch`: the live previews of the branch wired to each other. */
  async group(branch: string): Promise<Preview[]> {
    const members = await this.options.store.liveForWiring({ group: branch });
    return Promise.all(
      members.map(member => this.options.service.get(member.id)),
    );
  }
}
