import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { EventsService } from '@backstage/plugin-events-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { PreviewStore, StoredPreview } from '../database/PreviewStore';
import { costPricesFromConfig } from '../cost/estimateCost';
import { DEFAULT_CONTAINER_REQUEST } from '../engines/kubernetes/renderPolicies';
import { renderOptionsFromConfig } from '../engines/kubernetes/render';
import type { GitHubPreviews } from '../scm/github/GitHubPreviews';
import type { PreviewService } from '../service/PreviewService';
import { HOUR_MS, lifecyclePolicyFromConfig } from './expiry';
import { reaperGitHub } from './githubLifecycle';
import { LifecycleService } from './LifecycleService';
import { LifecycleStore } from './LifecycleStore';
import { quotaLimitsFromConfig } from './quotas';
import { PreviewTrafficSource, Reaper } from './Reaper';
import { trafficSourceFromConfig } from './PrometheusTrafficSource';

/** GitHub events that are activity of a pull request's previews (or carry its labels). */
export const ACTIVITY_TOPICS = [
  'github.pull_request',
  'github.issue_comment',
  'github.pull_request_review',
  'github.pull_request_review_comment',
];

/** Where a preview is shown in Backstage: its component's Previews tab. */
export function previewPortalPath(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = (rest ?? '').split('/');
  return `/catalog/${namespace}/${kind}/${name}/previews`;
}

/**
 * Wiring of the lifecycle (issue 8) from config: the service behind extend,
 * keep, sleep, wake and the summary (also PreviewService's lifecycle hooks),
 * the reaper task (scope global: one replica runs it) and the GitHub
 * activity subscription.
 */
export function createLifecycle(options: {
  rootConfig: Config;
  db: Knex;
  store: PreviewStore;
  service: () => PreviewService;
  github?: GitHubPreviews;
  notifications?: NotificationService;
  /** The installed engines (only those that can sleep are put to sleep when idle). */
  engines?: ReadonlyMap<string, { canSleep?: boolean }>;
  /** Traffic-based idleness; default: from `previews.lifecycle.sleep.idleSource`. */
  traffic?: PreviewTrafficSource;
  auth: AuthService;
  logger: LoggerService;
  clock?: () => Date;
}) {
  const config = options.rootConfig.getOptionalConfig('previews');
  const policy = lifecyclePolicyFromConfig(config?.getOptionalConfig('lifecycle'));
  const prices = costPricesFromConfig(config?.getOptionalConfig('cost'));
  const kubernetes = config?.getOptionalConfig('kubernetes');
  const limitRange = renderOptionsFromConfig(kubernetes).limitRange;
  const defaultRequests = limitRange === false ? {} : limitRange?.defaultRequest ?? { ...DEFAULT_CONTAINER_REQUEST };
  const lifecycleStore = new LifecycleStore(options.db);
  const clock = options.clock ?? (() => new Date());
  // Checked at startup: an unknown idle source or a missing Prometheus URL stops the plugin.
  const traffic = options.traffic ?? trafficSourceFromConfig(config?.getOptionalConfig('lifecycle'), policy, clock);
  const appBaseUrl = options.rootConfig.getOptionalString('app.baseUrl')?.replace(/\/$/, '');
  const linkOf = (p: { entityRef: string }) => `${appBaseUrl ?? ''}${previewPortalPath(p.entityRef)}`;
  const reporter = options.github?.reporter;
  const logger = options.logger.child({ part: 'lifecycle' });

  const lifecycle = new LifecycleService({
    store: options.store,
    lifecycleStore,
    policy,
    quotas: quotaLimitsFromConfig(config?.getOptionalConfig('quotas')),
    prices,
    defaultRequests: { cpu: defaultRequests.cpu, memory: defaultRequests.memory },
    service: options.service,
    logger,
    clock,
    ...(reporter ? { onExpiryChange: (p: StoredPreview) => void reporter.refreshComment(p) } : {}),
  });

  if (reporter) {
    // The PR comment says when each preview expires, and warns with a link to extend.
    reporter.describeExpiry = preview => {
      if (preview.keep && !preview.expiresAt) return 'kept (no expiry)';
      if (!preview.expiresAt) return undefined;
      const at = `${preview.expiresAt.slice(0, 16).replace('T', ' ')} UTC${preview.keep ? ' (kept)' : ''}`;
      const soon = Date.parse(preview.expiresAt) - clock().getTime() <= policy.warningHours * HOUR_MS;
      return soon ? `${at} – expires soon: extend it in Backstage: ${linkOf(preview)}` : at;
    };
  }

  const reaper = new Reaper({
    lifecycleStore,
    policy,
    service: {
      destroy: (id, destroyOptions) => options.service().destroy(id, destroyOptions),
      setAsleep: (id, asleep, credentials) => options.service().setAsleep(id, asleep, credentials),
      get: id => options.service().get(id),
    },
    credentials: () => options.auth.getOwnServiceCredentials(),
    logger,
    clock,
    linkOf,
    canSleep: engineId => Boolean(options.engines?.get(engineId)?.canSleep ?? !options.engines),
    ...(traffic ? { traffic } : {}),
    ...(options.github ? { github: reaperGitHub(options.github.clients, options.github.handler.label) } : {}),
    ...(reporter ? { onWarned: (p: StoredPreview) => void reporter.refreshComment(p) } : {}),
    ...(options.notifications
      ? {
          notify: async (preview, message) => {
            const recipients = [preview.createdBy, preview.ownerRef].filter((r): r is string => Boolean(r));
            if (!recipients.length) return;
            await options.notifications!.send({
              recipients: { type: 'entity', entityRef: recipients },
              payload: {
                title: message.title,
                description: message.description,
                link: previewPortalPath(preview.entityRef),
                severity: 'normal',
                topic: 'previews-expiry',
                scope: `previews-expiry:${preview.id}`,
              },
            });
          },
        }
      : {}),
  });

  return {
    lifecycle,
    reaper,
    policy,
    /** Schedules the reaper (scope global) and subscribes to GitHub activity. */
    async start(deps: { scheduler: SchedulerService; events?: EventsService }) {
      await deps.scheduler.scheduleTask({
        id: 'previews-lifecycle',
        frequency: { seconds: policy.checkIntervalSeconds },
        timeout: { minutes: 10 },
        initialDelay: { seconds: Math.min(60, policy.checkIntervalSeconds) },
        scope: 'global',
        fn: async () => {
          const report = await reaper.run();
          if (report.destroyed.length || report.warned.length || report.slept.length) {
            logger.info(
              `Lifecycle: ${report.destroyed.length} expired, ${report.warned.length} warned, ${report.slept.length} put to sleep`,
            );
          }
        },
      });
      if (options.github && deps.events) {
        await deps.events.subscribe({
          id: 'previews-lifecycle-activity',
          topics: ACTIVITY_TOPICS,
          onEvent: async event => {
            try {
              await lifecycle.onGitHubEvent(event.topic, event.eventPayload);
            } catch (e) {
              logger.warn(`Recording pull request activity from ${event.topic} failed: ${e}`);
            }
          },
        });
      }
    },
  };
}
