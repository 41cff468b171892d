import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  PreviewEngine,
  PreviewStatusListener,
  previewsEnginesExtensionPoint,
  previewsStatusListenersExtensionPoint,
} from '@backstage-previews/plugin-previews-node';
import { DatabasePreviewsStore } from './database/DatabasePreviewsStore';
import { loadInstallationId } from './database/installationId';
import { DependencyRoutesStore } from './database/DependencyRoutesStore';
import { DependencyRoutes } from './dependencies/DependencyRoutes';
import { DependencyWiring } from './dependencies/DependencyWiring';
import { installedEngines } from './engines/installedEngines';
import { PreviewEventStore } from './events/PreviewEventStore';
import { PreviewHistory } from './events/PreviewHistory';
import { JiraLinker, jiraOptionsFromConfig } from './integrations/jira/JiraLinker';
import { createLifecycle } from './lifecycle/createLifecycle';
import { registerPermissions } from './permissions/registerPermissions';
import { GitHubPreviews, githubReportingFromConfig } from './scm/github/GitHubPreviews';
import { GitHubStore } from './scm/github/GitHubStore';
import { PreviewService } from './service/PreviewService';
import { createRouter } from './service/router';
import { startTracking } from './service/startTracking';

/**
 * The previews backend plugin: wiring only. Engines and status listeners
 * also come from modules, through `previewsEnginesExtensionPoint` and
 * `previewsStatusListenersExtensionPoint`. Everything is built in the order
 * it is needed, so nothing refers to what is built after it.
 *
 * @public
 */
export const previewsPlugin = createBackendPlugin({
  pluginId: 'previews',
  register(env) {
    const addedEngines: PreviewEngine[] = [];
    env.registerExtensionPoint(previewsEnginesExtensionPoint, { addEngine: engine => void addedEngines.push(engine) });
    const addedListeners: PreviewStatusListener[] = [];
    env.registerExtensionPoint(previewsStatusListenersExtensionPoint, {
      addStatusListener: listener => void addedListeners.push(listener),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        urlReader: coreServices.urlReader,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        events: eventsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { logger } = deps;
        const config = deps.config.getOptionalConfig('previews');
        const db = await deps.database.getClient();
        const store = await DatabasePreviewsStore.create({ database: deps.database });
        const installationId = await loadInstallationId(db, config?.getOptionalString('installationId'));
        const engines = await installedEngines({ config, logger, installationId, added: addedEngines });

        // What the use cases are built with: lifecycle hooks, dependency wiring, status listeners.
        const lifecycle = createLifecycle({ rootConfig: deps.config, store, engines, ...deps });
        const history = new PreviewHistory(new PreviewEventStore(db), logger);
        const routes = new DependencyRoutesStore(db);
        const recordEvent = history.store.record.bind(history.store);
        const dependencyLogger = logger.child({ feature: 'dependencies' });
        const wiring = new DependencyWiring({
          ...{ store, routes, config, recordEvent, catalog: deps.catalog, auth: deps.auth, urlReader: deps.urlReader },
          logger: dependencyLogger,
        });
        const github = config?.has('github')
          ? githubReportingFromConfig(deps.config, { store, logger: logger.child({ scm: 'github' }), describeExpiry: lifecycle.describeExpiry })
          : undefined;
        const jiraOptions = jiraOptionsFromConfig(config?.getOptionalConfig('jira'));
        const jira = jiraOptions ? new JiraLinker(jiraOptions, logger.child({ integration: 'jira' })) : undefined;
        const statusListeners = [github?.reporter, jira, history, wiring, ...addedListeners].filter(l => l !== undefined);
        const service = new PreviewService({
          ...{ store, engines, installationId, logger, config, statusListeners, catalog: deps.catalog, urlReader: deps.urlReader },
          defaultEngine: config?.getOptionalString('defaultEngine') ?? 'kubernetes',
          lifecycle: lifecycle.hooks,
          dependencies: wiring,
        });

        // What acts on previews through the use cases.
        const githubStore = new GitHubStore(db);
        const pullRequests = github && new GitHubPreviews({ ...deps, rootConfig: deps.config, store, githubStore, reporting: github, service, logger: logger.child({ scm: 'github' }) });
        const previewLifecycle = await lifecycle.start({ ...deps, service, github: pullRequests });
        const dependencies = new DependencyRoutes({ store, routes, service, logger: dependencyLogger, recordEvent });
        registerPermissions(deps);
        deps.httpRouter.use(await createRouter({ ...deps, service, github: pullRequests, history, dependencies, previewLifecycle }));
        deps.httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        await startTracking({ ...deps, service, store, engines, config });
        await pullRequests?.start(deps);
      },
    });
  },
});
