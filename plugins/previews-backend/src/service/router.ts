import express from 'express';
import Router from 'express-promise-router';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import {
  AuditorService,
  AuthService,
  HttpAuthService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { InputError, NotFoundError, isError } from '@backstage/errors';
import {
  BasicPermission,
  ResourcePermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ListPreviewEventsResponse,
  ListPreviewsResponse,
  PreviewsSummary,
  PREVIEWS_RESOURCE_TYPE,
  ListDependencyTargetsResponse,
  previewCreatePermission,
  previewDeletePermission,
  previewReadPermission,
  previewUpdatePermission,
  previewsAdminPermission,
} from '@backstage-previews/plugin-previews-common';
import { PreviewService } from './PreviewService';
import {
  eventsPage,
  validateBranch,
  validateComponentRef,
  validateDependencyRef,
} from './validation';
import { explainRefusals } from './refusals';
import { spec } from '../schema/openapi.generated';
import { PreviewAuthorizer } from '../permissions/PreviewAuthorizer';
import { PreviewHistory, actorOf } from '../events/PreviewHistory';
import type { PreviewAccess } from '../access/PreviewAccess';
import type { PreviewEngine } from '@backstage-previews/plugin-previews-node';
import { registerRuntimeRoutes } from './runtimeRoutes';
import { bulkDestroyIds } from '../events/bulkDestroy';
import type { PreviewSourceControl } from '../scm/PreviewSourceControl';
import type { DependencyRoutes } from '../dependencies/DependencyRoutes';
import type { LifecycleService } from '../lifecycle/LifecycleService';

/** A request of any route (the typed router narrows params, query and body per route). */
type AnyRequest = express.Request<any, any, any, any>;

/** The audit event of a mutating request, or undefined for reads. */
export function auditEventId(method: string, path: string): string | undefined {
  if (method === 'POST' && path === '/previews') return 'preview-create';
  if (method === 'POST' && /^\/previews\/[^/]+\/redeploy$/.test(path))
    return 'preview-redeploy';
  if (method === 'POST' && /^\/previews\/[^/]+\/reseed$/.test(path))
    return 'preview-reseed';
  if (method === 'POST' && /^\/previews\/[^/]+\/tests\/rerun$/.test(path))
    return 'preview-tests-rerun';
  if (
    method === 'POST' &&
    /^\/previews\/[^/]+\/(extend|keep|sleep|wake)$/.test(path)
  ) {
    return `preview-${path.split('/')[3]}`;
  }
  if (method === 'DELETE' && /^\/previews\/[^/]+$/.test(path))
    return 'preview-destroy';
  if (method === 'POST' && path === '/previews/bulk-destroy')
    return 'preview-bulk-destroy';
  if (method === 'PUT' && /^\/previews\/[^/]+\/dependencies\/[^/]+$/.test(path))
    return 'preview-reroute';
  if (method === 'DELETE' && /^\/groups\/[^/]+$/.test(path))
    return 'preview-group-destroy';
  if (method === 'POST' && /^\/previews\/[^/]+\/share-links$/.test(path))
    return 'preview-share-link-create';
  if (
    method === 'DELETE' &&
    /^\/previews\/[^/]+\/share-links\/[^/]+$/.test(path)
  )
    return 'preview-share-link-revoke';
  if (method === 'POST' && /^\/previews\/[^/]+\/bypass-token$/.test(path))
    return 'preview-bypass-token-rotate';
  if (
    method === 'POST' &&
    /^\/previews\/[^/]+\/workloads\/[^/]+\/restart$/.test(path)
  )
    return 'preview-workload-restart';
  return undefined;
}

/** The mutating requests the history records as requests (access changes record their own lines). */
function historyEventId(method: string, path: string): string | undefined {
  const id = auditEventId(method, path);
  return id && /^preview-(share-link|bypass-token)/.test(id) ? undefined : id;
}

/**
 * The HTTP layer: the shape of the input is checked against the OpenAPI spec
 * (`schema/openapi.yaml`) before a route runs; a route authenticates,
 * authorizes, checks what the spec cannot (ref names, entity refs) and calls
 * the service.
 */
export async function createRouter(options: {
  service: PreviewService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** The source control integration (GitHub's, when `previews.github` is configured). */
  sourceControl?: PreviewSourceControl;
  auditor?: AuditorService;
  /** Resource permissions: conditions are evaluated against the preview's component. */
  permissionsRegistry: PermissionsRegistryService;
  catalog: CatalogService;
  auth: AuthService;
  /** Each preview's history (`GET /previews/:id/events`), written for every mutating request. */
  history?: PreviewHistory;
  /** Dependency wiring: targets, reroutes and preview groups. */
  dependencies?: DependencyRoutes;
  /** Extend, keep, sleep, wake and the summary (issue 8). */
  previewLifecycle?: LifecycleService;
  /** Protected URLs: Open, share links, bypass tokens (their own history lines: not the request's). */
  access?: PreviewAccess;
  /** The installed engines: pods, logs and events come from their runtimes. */
  engines?: ReadonlyMap<string, PreviewEngine>;
}): Promise<express.Router> {
  const {
    service,
    httpAuth,
    userInfo,
    permissions,
    sourceControl: github,
  } = options;
  const authorizer = new PreviewAuthorizer({ ...options, permissions });
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  if (options.history)
    router.use(options.history.middleware(httpAuth, historyEventId));
  // Every mutating call is audited: who (from the request's credentials),
  // what, which preview, and whether it worked.
  router.use(async (req, res, next) => {
    const eventId = auditEventId(req.method, req.path);
    if (!eventId || !options.auditor) {
      next();
      return;
    }
    const event = await options.auditor.createEvent({
      eventId,
      request: req,
      severityLevel: eventId === 'preview-destroy' ? 'high' : 'medium',
      meta: { path: req.path },
    });
    res.on('finish', () => {
      const meta = { status: res.statusCode };
      const done =
        res.statusCode < 400
          ? event.success({ meta })
          : event.fail({
              meta,
              error: new Error(`answered ${res.statusCode}`),
            });
      done.catch(() => undefined);
    });
    next();
  });

  /**
   * Checks a permission for the request's credentials. Preview permissions
   * are resource permissions on the preview's component: `entityRef`, else
   * the component of the preview `:id` names (404 for unknown ids); with
   * neither, a conditional decision denies.
   */
  async function authorize(
    req: AnyRequest,
    permission:
      | BasicPermission
      | ResourcePermission<typeof PREVIEWS_RESOURCE_TYPE>,
    entityRef?: string,
  ) {
    const credentials = await httpAuth.credentials(req);
    if (!isResourcePermission(permission, PREVIEWS_RESOURCE_TYPE)) {
      await authorizer.authorizeBasic(
        credentials,
        permission as BasicPermission,
      );
      return credentials;
    }
    const ref =
      entityRef ??
      (req.params.id
        ? (await service.get(req.params.id)).entityRef
        : undefined);
    await authorizer.authorizeEntity(credentials, permission, ref);
    return credentials;
  }

  // Lifecycle (issue 8) and dependency wiring are optional parts.
  const lifecycleOf = () => {
    if (!options.previewLifecycle)
      throw new InputError('The preview lifecycle is not available');
    return options.previewLifecycle;
  };
  function accessOf(): PreviewAccess {
    if (!options.access)
      throw new InputError('Protected preview URLs are not available');
    return options.access;
  }
  function wiring(): DependencyRoutes {
    if (!options.dependencies)
      throw new InputError('Dependency wiring is not available');
    return options.dependencies;
  }
  /** A reroute's permissions: its own preview, and `read` on the component its dependency points to. */
  async function authorizeReroute(req: AnyRequest) {
    const credentials = await authorize(req, previewUpdatePermission);
    await authorize(
      req,
      previewReadPermission,
      validateDependencyRef(req.params.dependencyRef),
    );
    return credentials;
  }
  /** Throws unless the path names a dependency of the preview (the targets say so as a 404, a reroute as a 400). */
  async function rerouteDependencyExists(req: AnyRequest) {
    try {
      await wiring().targets(req.params.id, req.params.dependencyRef);
    } catch (e) {
      throw isError(e) && e.name === 'NotFoundError'
        ? new InputError(e.message)
        : e;
    }
  }

  // The validated router checks params, query and body against the spec
  // before a route runs; a refusal is said in the API's own words. The body
  // is parsed above, so that a malformed or oversized one keeps its 400 or 413.
  const bodyParsedAbove: express.RequestHandler = (_req, _res, next) => next();
  const api = createValidatedOpenApiRouter(spec, {
    middleware: [bodyParsedAbove],
  });
  api.use(
    explainRefusals({
      lifecyclePolicy: options.previewLifecycle?.policy,
      authorizeReroute,
      rerouteDependencyExists,
    }),
  );
  router.use(api);

  api.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  api.get('/previews', async (req, res) => {
    const { entityRef, includeDestroyed } = req.query;
    const credentials = await httpAuth.credentials(req);
    // Without an entityRef: only the previews of components the policy lets the caller read.
    const items = await authorizer.filter(
      credentials,
      previewReadPermission,
      await service.list(entityRef, includeDestroyed === true),
    );
    const body: ListPreviewsResponse = { items };
    res.json(body);
  });

  api.post('/previews', async (req, res) => {
    const body = req.body;
    const credentials = await authorize(
      req,
      previewCreatePermission,
      validateComponentRef(body.entityRef),
    );
    let createdBy: string | undefined;
    if (
      credentials.principal &&
      'userEntityRef' in (credentials.principal as object)
    ) {
      createdBy = (await userInfo.getUserInfo(credentials)).userEntityRef;
    }
    if (body.pullRequest !== undefined) {
      if (body.branch !== undefined || body.sha !== undefined) {
        throw new InputError(
          'Give either a branch (and sha) or a pullRequest, not both',
        );
      }
      if (!github)
        throw new InputError(
          'Pull requests need the GitHub integration (previews.github)',
        );
      const resolved = await github.resolvePullRequest(
        body.entityRef,
        body.pullRequest,
        credentials,
      );
      const preview = await service.create({
        entityRef: body.entityRef,
        branch: resolved.branch,
        sha: resolved.sha,
        credentials,
        createdBy,
        pullRequest: resolved.pullRequest,
        repo: resolved.repo,
        repoHost: resolved.repoHost,
        trigger: 'portal',
        ...(resolved.waitFor ? { waitFor: resolved.waitFor } : {}),
      });
      res.status(201).json(preview);
      return;
    }
    const preview = await service.create({
      entityRef: body.entityRef,
      branch: body.branch,
      sha: body.sha,
      credentials,
      createdBy,
      trigger: 'portal',
    });
    res.status(201).json(preview);
  });

  // The branch picker: branches and open pull requests of the component's GitHub repository.
  api.get('/branches', async (req, res) => {
    const { entityRef, q, page } = req.query;
    const credentials = await authorize(
      req,
      previewReadPermission,
      validateComponentRef(entityRef),
    );
    if (!github)
      throw new InputError(
        'The branch picker needs the GitHub integration (previews.github)',
      );
    res.json(
      await github.listBranches({ entityRef, q, page: page ?? 1, credentials }),
    );
  });

  api.get('/previews/:id', async (req, res) => {
    await authorize(req, previewReadPermission);
    res.json(await service.get(req.params.id));
  });

  api.post('/previews/:id/redeploy', async (req, res) => {
    const credentials = await authorize(req, previewUpdatePermission);
    res.json(
      await service.redeploy(req.params.id, {
        sha: req.body?.sha,
        credentials,
      }),
    );
  });

  // Per-preview databases (issue 7): back to the seed data, migrations again.
  api.post('/previews/:id/reseed', async (req, res) => {
    const credentials = await authorize(req, previewUpdatePermission);
    res.json(await service.reseed(req.params.id, { credentials }));
  });

  // Smoke tests (issue 18): the rollout's tests once more.
  api.post('/previews/:id/tests/rerun', async (req, res) => {
    await authorize(req, previewUpdatePermission);
    res.json(await service.rerunTests(req.params.id));
  });

  // Lifecycle (issue 8): extend, keep, sleep, wake; the summary of live previews and their cost.
  api.post('/previews/:id/extend', async (req, res) => {
    await authorize(req, previewUpdatePermission);
    res.json(await lifecycleOf().extend(req.params.id, req.body.hours));
  });
  api.post('/previews/:id/keep', async (req, res) => {
    await authorize(req, previewUpdatePermission);
    res.json(await lifecycleOf().keep(req.params.id, req.body.keep));
  });
  api.post('/previews/:id/sleep', async (req, res) => {
    const credentials = await authorize(req, previewUpdatePermission);
    res.json(await lifecycleOf().sleep(req.params.id, credentials));
  });
  api.post('/previews/:id/wake', async (req, res) => {
    const credentials = await authorize(req, previewUpdatePermission);
    res.json(await lifecycleOf().wake(req.params.id, credentials));
  });
  api.get('/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    // Only the previews of components the policy lets the caller read.
    // Destroyed previews too: their timelines count towards the phase times.
    const items = await authorizer.filter(
      credentials,
      previewReadPermission,
      await service.list(undefined, true),
    );
    const body: PreviewsSummary = lifecycleOf().summary(items);
    res.json(body);
  });

  // What the orphan sweep would delete right now (always a dry run).
  api.get('/orphans', async (req, res) => {
    await authorize(req, previewsAdminPermission);
    res.json(
      await service.sweepOrphans({
        dryRun: true,
        minAgeMinutes: req.query.minAgeMinutes,
      }),
    );
  });

  api.delete('/previews/:id', async (req, res) => {
    await authorize(req, previewDeletePermission);
    res.status(202).json(await service.destroy(req.params.id));
  });

  // Protected URLs: Open (read), share links and the bypass token (update).
  api.post('/previews/:id/open', async (req, res) => {
    await authorize(req, previewReadPermission);
    res.json(await accessOf().open(await service.get(req.params.id)));
  });
  api.get('/previews/:id/share-links', async (req, res) => {
    await authorize(req, previewReadPermission);
    res.json({
      items: await accessOf().listShareLinks(
        (
          await service.get(req.params.id)
        ).id,
      ),
    });
  });
  api.post('/previews/:id/share-links', async (req, res) => {
    const credentials = await authorize(req, previewUpdatePermission);
    const preview = await service.get(req.params.id);
    res
      .status(201)
      .json(
        await accessOf().createShareLink(
          preview,
          req.body ?? {},
          actorOf(credentials),
        ),
      );
  });
  api.delete('/previews/:id/share-links/:linkId', async (req, res) => {
    const credentials = await authorize(req, previewUpdatePermission);
    res.json(
      await accessOf().revokeShareLink(
        req.params.id,
        req.params.linkId,
        actorOf(credentials),
      ),
    );
  });
  api.post('/previews/:id/bypass-token', async (req, res) => {
    const credentials = await authorize(req, previewUpdatePermission);
    res.json(
      await accessOf().rotateBypassToken(
        await service.get(req.params.id),
        actorOf(credentials),
      ),
    );
  });

  // Pods, logs, cluster events and restarts (service/runtimeRoutes.ts).
  registerRuntimeRoutes(api, {
    service,
    engines: options.engines ?? new Map(),
    authorize,
  });

  // The preview's history, oldest first.
  api.get('/previews/:id/events', async (req, res) => {
    await authorize(req, previewReadPermission);
    const { limit, after } = eventsPage(req.query);
    const page = (await options.history?.store.list(req.params.id, {
      limit,
      after,
    })) ?? { items: [] };
    const body: ListPreviewEventsResponse = {
      items: page.items,
      ...(page.next !== undefined ? { nextCursor: String(page.next) } : {}),
    };
    res.json(body);
  });

  // Destroys several previews at once (admins): every id is checked before anything is destroyed.
  api.post('/previews/bulk-destroy', async (req, res) => {
    await authorize(req, previewsAdminPermission);
    const ids = bulkDestroyIds(req.body.ids);
    for (const id of ids) await service.get(id);
    const items = [];
    for (const id of ids) items.push(await service.destroy(id));
    res.status(202).json({ items });
  });

  // Dependency wiring: where a dependency can point, rerouting it, preview groups by branch.
  // Both ends: the caller's own preview, and `read` on the component its dependency points to.
  api.get(
    '/previews/:id/dependencies/:dependencyRef/targets',
    async (req, res) => {
      await authorize(req, previewReadPermission);
      await authorize(
        req,
        previewReadPermission,
        validateDependencyRef(req.params.dependencyRef),
      );
      const body: ListDependencyTargetsResponse = await wiring().targets(
        req.params.id,
        req.params.dependencyRef,
      );
      res.json(body);
    },
  );

  api.put('/previews/:id/dependencies/:dependencyRef', async (req, res) => {
    const credentials = await authorizeReroute(req);
    res.json(
      await wiring().reroute(
        req.params.id,
        req.params.dependencyRef,
        req.body,
        credentials,
      ),
    );
  });

  api.get('/groups/:branch', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const branch = validateBranch(req.params.branch);
    const items = await authorizer.filter(
      credentials,
      previewReadPermission,
      await wiring().group(branch),
    );
    res.json({ branch, items });
  });

  // Destroys every preview of a group; each is authorized before any is destroyed.
  api.delete('/groups/:branch', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const branch = validateBranch(req.params.branch);
    const members = await wiring().group(branch);
    if (!members.length)
      throw new NotFoundError(
        `No preview group of branch ${JSON.stringify(branch)}`,
      );
    for (const member of members)
      await authorizer.authorizeEntity(
        credentials,
        previewDeletePermission,
        member.entityRef,
      );
    const items = [];
    for (const member of members) items.push(await service.destroy(member.id));
    res.status(202).json({ items });
  });

  return router;
}
