import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { DatabasePreviewsStore } from './database/DatabasePreviewsStore';
import { DependencyRoutesStore } from './database/DependencyRoutesStore';
import { loadInstallationId } from './database/installationId';
import { DependencyRoutes } from './dependencies/DependencyRoutes';
import { DependencyWiring } from './dependencies/DependencyWiring';
import { installedEngines } from './engines/installedEngines';
import { PreviewEventStore } from './events/PreviewEventStore';
import { PreviewHistory } from './events/PreviewHistory';
import { createLifecycle } from './lifecycle/createLifecycle';
import { accessGateOf } from './access/accessSettings';
import { createAccess, loadAccessSettings } from './access/createAccess';
import { createAccessRouter } from './access/accessRouter';
import { registerExtensionPoints } from './moduleAdditions';
import { registerPermissions } from './permissions/registerPermissions';
import { PreviewService } from './service/PreviewService';
import { createRouter } from './service/router';
import { PreviewSignals } from './signals/PreviewSignals';
import { registerPreviewActions } from './actions/registerPreviewActions';
import { PreviewAuthorizer } from './permissions/PreviewAuthorizer';
import { validateComponentRef } from './service/validation';
import { startTracking } from './service/startTracking';

/**
 * The previews backend plugin: wiring only, each part built after what it
 * needs. Engines, status listeners and the source control integration
 * come from modules (the package's default export adds the Kubernetes and
 * Argo CD engines, GitHub and Jira).
 *
 * @public
 */
export const previewsPlugin = createBackendPlugin({
  pluginId: 'previews',
  register(env) {
    const added = registerExtensionPoints(env);
    env.registerInit({
      deps: {
        ...{
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          database: coreServices.database,
        },
        ...{
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          userInfo: coreServices.userInfo,
        },
        ...{
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
        },
        ...{
          scheduler: coreServices.scheduler,
          lifecycle: coreServices.lifecycle,
          urlReader: coreServices.urlReader,
        },
        ...{
          auditor: coreServices.auditor,
          auth: coreServices.auth,
          catalog: catalogServiceRef,
        },
        ...{
          events: eventsServiceRef,
          notifications: notificationService,
          discovery: coreServices.discovery,
        },
        signals: signalsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { logger } = deps;
        const config = deps.config.getOptionalConfig('previews');
        const db = await deps.database.getClient();
        const store = await DatabasePreviewsStore.create({
          database: deps.database,
        });
        const installationId = await loadInstallationId(
          db,
          config?.getOptionalString('installationId'),
        );
        const engines = await installedEngines(added.engines, {
          installationId,
        });
        const accessSettings = await loadAccessSettings({
          rootConfig: deps.config,
          discovery: deps.discovery,
        });

        // What the use cases are built with: lifecycle hooks, dependency wiring, status listeners.
        const lifecycle = createLifecycle({
          rootConfig: deps.config,
          store,
          engines,
          ...deps,
        });
        const history = new PreviewHistory(new PreviewEventStore(db), logger);
        const recordEvent = history.store.record.bind(history.store);
        const dependencies = {
          store,
          routes: new DependencyRoutesStore(db),
          recordEvent,
          logger: logger.child({ feature: 'dependencies' }),
        };
        const wiring = new DependencyWiring({
          ...dependencies,
          config,
          catalog: deps.catalog,
          auth: deps.auth,
          urlReader: deps.urlReader,
        });
        const sourceControl = added.sourceControl?.({
          store,
          database: db,
          describeExpiry: lifecycle.describeExpiry,
        });
        const signals = new PreviewSignals(deps.signals);
        const statusListeners = [
          sourceControl?.statusListener,
          history,
          wiring,
          signals,
          ...added.statusListeners,
        ].filter(l => l !== undefined);
        // The access checks, set once built (below, after the service they wake previews through).
        const late: { access?: ReturnType<typeof createAccess> } = {};
        const service = new PreviewService({
          ...{
            store,
            engines,
            installationId,
            logger,
            config,
            statusListeners,
            catalog: deps.catalog,
            urlReader: deps.urlReader,
          },
          ...{
            defaultEngine: config?.getOptionalString('defaultEngine'),
            lifecycle: lifecycle.hooks,
            dependencies: wiring,
          },
          accessGate: (id: string) => accessGateOf(accessSettings, id),
          // Built below, after the service it wakes previews through; asked only once tests run.
          testBypass: (id: string, seconds: number) =>
            late.access!.testBypass(id, seconds),
        });

        // What acts on previews through the use cases.
        const onExpiryChange =
          sourceControl?.onExpiryChange?.bind(sourceControl);
        const previewLifecycle = await lifecycle.start({
          ...deps,
          service,
          pullRequests: sourceControl?.pullRequestLabels,
          onExpiryChange,
        });
        const routes = new DependencyRoutes({ ...dependencies, service });
        const access = createAccess({
          ...deps,
          settings: accessSettings,
          db,
          previews: service,
          lifecycle: previewLifecycle,
          recordEvent,
        });
        late.access = access;
        registerPermissions(deps);
        // The forward-auth routes answer the preview's ingress, which has no Backstage credentials.
        deps.httpRouter.use(createAccessRouter(access));
        deps.httpRouter.addAuthPolicy({
          path: '/access',
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          await createRouter({
            ...deps,
            service,
            sourceControl,
            history,
            dependencies: routes,
            previewLifecycle,
            access,
            engines,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        // The same use cases for software templates and AI agents (MCP), under the caller's permissions.
        registerPreviewActions({
          ...deps,
          previews: {
            ...bound(service, 'list', 'get', 'create', 'redeploy', 'destroy'),
            validateComponentRef,
          },
          lifecycle: bound(previewLifecycle, 'extend', 'keep'),
          authorizer: new PreviewAuthorizer(deps),
          history: history.store,
        });
        await startTracking({ ...deps, service, store, engines, config });
        await sourceControl?.start({
          ...deps,
          service,
          lifecycle: previewLifecycle,
        });
      },
    });
  },
});

/** The named methods of an object, bound to it. */
function bound<T extends object, K extends keyof T>(
  target: T,
  ...names: K[]
): Pick<T, K> {
  return Object.fromEntries(
    names.map(n => [
      n,
      (target[n] as (...a: unknown[]) => unknown).bind(target),
    ]),
  ) as Pick<T, K>;
}
