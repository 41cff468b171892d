import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { previewsPermissions } from '@backstage-previews/plugin-previews-common';
import {
  PreviewEngine,
  PreviewTracking,
  previewsEnginesExtensionPoint,
} from '@backstage-previews/plugin-previews-node';
import { PreviewStore } from './database/PreviewStore';
import { loadInstallationId } from './database/installationId';
import { DependencyStore } from './dependencies/DependencyStore';
import { DependencyWiring } from './dependencies/DependencyWiring';
import { createLifecycle } from './lifecycle/createLifecycle';
import { DEFAULT_ORPHAN_SWEEP_LIMITS } from './lifecycle/orphans';
import { KubernetesEngine } from './engines/kubernetes/KubernetesEngine';
import { SharedPostgres } from './engines/kubernetes/SharedPostgres';
import { secretSourcesFromConfig } from './engines/kubernetes/secretSources';
import { placementPolicyFromConfig } from './engines/kubernetes/placementPolicy';
import { argoCdEngineFromConfig } from './engines/argocd/argoCdEngineFromConfig';
import { loadClusters } from './engines/kubernetes/loadKubeConfig';
import { renderOptionsFromConfig } from './engines/kubernetes/render';
import { PreviewService } from './service/PreviewService';
import { createRouter } from './service/router';
import { GitHubPreviews } from './scm/github/GitHubPreviews';
import { GitHubStore } from './scm/github/GitHubStore';
import { JiraLinker, jiraOptionsFromConfig } from './integrations/jira/JiraLinker';
import { PreviewEventStore } from './events/PreviewEventStore';
import { PreviewHistory } from './events/PreviewHistory';
import { resumeInterrupted } from './service/resumeInterrupted';
import { previewsEntityResourceRef, previewsPermissionRules } from './permissions/rules';

/**
 * The previews backend plugin: wiring only. Engines come from the built-in
 * Kubernetes engine (when `previews.kubernetes` is configured) and from modules
 * through `previewsEnginesExtensionPoint`.
 *
 * @public
 */
export const previewsPlugin = createBackendPlugin({
  pluginId: 'previews',
  register(env) {
    const addedEngines: PreviewEngine[] = [];
    env.registerExtensionPoint(previewsEnginesExtensionPoint, {
      addEngine(engine) {
        addedEngines.push(engine);
      },
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
        const config = deps.config.getOptionalConfig('previews');
        const store = await PreviewStore.create({ database: deps.database });
        // Labels every preview's namespace or Application: the orphan sweep touches only its own.
        const installationId = await loadInstallationId(await deps.database.getClient(), config?.getOptionalString('installationId'));
        const engines = new Map<string, PreviewEngine>();
        const kubernetesConfig = config?.getOptionalConfig('kubernetes');
        if (kubernetesConfig) {
          const engine = await KubernetesEngine.create({
            ...(await loadClusters(kubernetesConfig)),
            logger: deps.logger.child({ engine: 'kubernetes' }),
            render: { ...renderOptionsFromConfig(kubernetesConfig), installationId },
            // Per-preview databases (issue 7): on a shared PostgreSQL server instead of one per preview.
            sharedPostgres: SharedPostgres.fromConfig(config?.getOptionalConfig('databases.postgres.shared')),
            seedDownloadImage: config?.getOptionalString('databases.seedDownloadImage'),
            secretSources: secretSourcesFromConfig(kubernetesConfig),
            placement: placementPolicyFromConfig(kubernetesConfig),
          });
          engines.set(engine.id, engine);
        }
        if (config?.has('argocd')) {
          const engine = await argoCdEngineFromConfig(config, deps.logger.child({ engine: 'argocd' }), installationId);
          engines.set(engine.id, engine);
        }
        for (const engine of addedEngines) engines.set(engine.id, engine);

        // Dependency wiring: every deploy of every engine gets the preview's dependency URLs.
        const dependencyWiring = new DependencyWiring({
          store,
          dependencyStore: new DependencyStore(await deps.database.getClient()),
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger.child({ feature: 'dependencies' }),
          urlReader: deps.urlReader,
          config,
          service: () => service,
          recordEvent: (id, event) => history.store.record(id, event),
        });
        for (const [id, engine] of engines) engines.set(id, dependencyWiring.wrap(engine));
        // GitHub (when `previews.github` is configured): picker, PR-driven previews, reporting.
        const githubConfig = config?.getOptionalConfig('github');
        const github = githubConfig
          ? new GitHubPreviews({
              rootConfig: deps.config,
              store,
              githubStore: new GitHubStore(await deps.database.getClient()),
              catalog: deps.catalog,
              auth: deps.auth,
              logger: deps.logger.child({ scm: 'github' }),
              service: () => service,
            })
          : undefined;
        // Jira (when `previews.jira` is configured): a remote link on the issues a preview's branch or PR title names.
        const jiraOptions = jiraOptionsFromConfig(config?.getOptionalConfig('jira'));
        const jira = jiraOptions ? new JiraLinker(jiraOptions, deps.logger.child({ integration: 'jira' })) : undefined;
        // Each preview's history: creation, status changes, requests.
        const history = new PreviewHistory(new PreviewEventStore(await deps.database.getClient()), deps.logger);
        const statusHooks = [github?.reporter.onStatusChange, jira?.onStatusChange, history.onStatusChange, dependencyWiring.onStatusChange].filter(
          h => h !== undefined,
        );
        // Expiry, keep, idle timeout, warnings, quotas, cost, sleep and wake.
        const previewLifecycle = createLifecycle({
          rootConfig: deps.config,
          db: await deps.database.getClient(),
          store,
          service: () => service,
          github,
          notifications: deps.notifications,
          engines,
          auth: deps.auth,
          logger: deps.logger,
        });
        const service: PreviewService = new PreviewService({
          installationId,
          lifecycle: previewLifecycle.lifecycle,
          store,
          engines,
          defaultEngine: config?.getOptionalString('defaultEngine') ?? 'kubernetes',
          catalog: deps.catalog,
          logger: deps.logger,
          urlReader: deps.urlReader,
          config,
          ...(statusHooks.length
            ? {
                onStatusChange: async (preview, previous) => {
                  await Promise.all(statusHooks.map(hook => hook(preview, previous)));
                },
              }
            : {}),
        });
        deps.permissionsRegistry.addPermissions(previewsPermissions);
        // Conditions on the preview's component (e.g. owners only), evaluated by this plugin.
        deps.permissionsRegistry.addResourceType({
          resourceRef: previewsEntityResourceRef,
          permissions: previewsPermissions.filter(p => p.type === 'resource'),
          rules: Object.values(previewsPermissionRules),
          getResources: async refs => {
            const credentials = await deps.auth.getOwnServiceCredentials();
            const { items } = await deps.catalog.getEntitiesByRefs({ entityRefs: refs }, { credentials });
            return items.map(e => e ?? undefined);
          },
        });

        deps.httpRouter.use(await createRouter({ service, github, history, dependencies: dependencyWiring, ...deps, previewLifecycle: previewLifecycle.lifecycle }));
        await previewLifecycle.start({ scheduler: deps.scheduler, events: deps.events });
        deps.httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // Watches report changes as they happen; the periodic reconcile
        // catches whatever a watch missed.
        const trackings: PreviewTracking[] = [];
        deps.lifecycle.addStartupHook(async () => {
          for (const engine of engines.values()) {
            trackings.push(await engine.track(o => service.observe(o, engine.id)));
          }
          // Creates a restart interrupted are applied again (in the background).
          void resumeInterrupted({ store, service, auth: deps.auth, logger: deps.logger });
        });
        deps.lifecycle.addShutdownHook(async () => {
          await Promise.all(trackings.map(t => t.stop()));
        });
        await deps.scheduler.scheduleTask({
          id: 'previews-reconcile',
          frequency: { seconds: config?.getOptionalNumber('reconcileIntervalSeconds') ?? 30 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 1 },
          scope: 'local',
          fn: () => service.reconcile(),
        });
        if (github) {
          await deps.events.subscribe({
            id: 'previews-github-pull-requests',
            topics: ['github.pull_request'],
            onEvent: async event => {
              try {
                await github.handler.onEvent(event);
              } catch (e) {
                deps.logger.warn(`Handling a GitHub pull_request event failed: ${e}`);
              }
            },
          });
          // A completed required check deploys (or fails) the previews waiting for it.
          await deps.events.subscribe({
            id: 'previews-github-check-runs',
            topics: ['github.check_run'],
            onEvent: async event => {
              try {
                await github.handler.onCheckRun(event);
              } catch (e) {
                deps.logger.warn(`Handling a GitHub check_run event failed: ${e}`);
              }
            },
          });
          // The fallback for missed webhooks (destroys only on a state GitHub
          // returned; creates for labelled PRs; completes build waits), then
          // forgets delivery ids older than a week.
          await deps.scheduler.scheduleTask({
            id: 'previews-github-poll',
            frequency: { minutes: githubConfig?.getOptionalNumber('pollIntervalMinutes') ?? 5 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 30 },
            scope: 'global',
            fn: async () => {
              await github.poll();
            },
          });
        }
        // One replica sweeps for orphans; a dry run (report only) unless enabled.
        const sweep = config?.getOptionalConfig('orphanSweep');
        if (sweep?.getOptionalBoolean('enabled') ?? true) {
          const dryRun = sweep?.getOptionalBoolean('dryRun') ?? true;
          await deps.scheduler.scheduleTask({
            id: 'previews-orphan-sweep',
            frequency: { minutes: sweep?.getOptionalNumber('frequencyMinutes') ?? 30 },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 10 },
            scope: 'global',
            fn: async () => {
              await service.sweepOrphans({
                dryRun,
                minAgeMinutes: sweep?.getOptionalNumber('minAgeMinutes'),
                limits: {
                  maxCount: sweep?.getOptionalNumber('maxCount') ?? DEFAULT_ORPHAN_SWEEP_LIMITS.maxCount,
                  maxShare: sweep?.getOptionalNumber('maxShare') ?? DEFAULT_ORPHAN_SWEEP_LIMITS.maxShare,
                },
              });
            },
          });
        }
      },
    });
  },
});
