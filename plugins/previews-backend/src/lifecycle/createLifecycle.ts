import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import type { StoredPreview } from '../types';
import { costPricesFromConfig } from '../cost/estimateCost';
import { expiresSoon, lifecyclePolicyFromConfig } from './expiry';
import { LifecycleHooks } from './LifecycleHooks';
import { LifecycleService, SleepControl } from './LifecycleService';
import { quotaLimitsFromConfig } from './quotas';
import {
  ExpiryNotifier,
  PreviewTrafficSource,
  PullRequestLabels,
  Reaper,
  ReaperOptions,
} from './Reaper';
import { trafficSourceFromConfig } from './PrometheusTrafficSource';

/** Where a preview is shown in Backstage: its component's Previews tab. */
export function previewPortalPath(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = (rest ?? '').split('/');
  return `/catalog/${namespace}/${kind}/${name}/previews`;
}

/**
 * The lifecycle (issue 8) from config, in two steps. First what the use
 * cases are built with: the hooks (quotas, expiry, activity, cost) and the
 * expiry line of pull request comments. Then, handed the service, `start`
 * builds what acts on previews (extend, keep, sleep, wake; the reaper),
 * schedules the reaper (scope global: one replica runs it) and subscribes
 * to GitHub activity.
 */
export function createLifecycle(options: {
  rootConfig: Config;
  store: PreviewsStore;
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
  const policy = lifecyclePolicyFromConfig(
    config?.getOptionalConfig('lifecycle'),
  );
  const prices = costPricesFromConfig(config?.getOptionalConfig('cost'));
  const clock = options.clock ?? (() => new Date());
  // Checked at startup: an unknown idle source or a missing Prometheus URL stops the plugin.
  const traffic =
    options.traffic ??
    trafficSourceFromConfig(
      config?.getOptionalConfig('lifecycle'),
      policy,
      clock,
    );
  const appBaseUrl = options.rootConfig
    .getOptionalString('app.baseUrl')
    ?.replace(/\/$/, '');
  const linkOf = (p: { entityRef: string }) =>
    `${appBaseUrl ?? ''}${previewPortalPath(p.entityRef)}`;
  const logger = options.logger.child({ part: 'lifecycle' });

  const hooks = new LifecycleHooks({
    store: options.store,
    policy,
    quotas: quotaLimitsFromConfig(config?.getOptionalConfig('quotas')),
    prices,
    clock,
  });

  /** The PR comment says when each preview expires, and warns with a link to extend. */
  const describeExpiry = (preview: StoredPreview): string | undefined => {
    if (preview.keep && !preview.expiresAt) return 'kept (no expiry)';
    if (!preview.expiresAt) return undefined;
    const at = `${preview.expiresAt.slice(0, 16).replace('T', ' ')} UTC${
      preview.keep ? ' (kept)' : ''
    }`;
    return expiresSoon(preview.expiresAt, clock(), policy)
      ? `${at} – expires soon: extend it in Backstage: ${linkOf(preview)}`
      : at;
  };

  return {
    hooks,
    policy,
    describeExpiry,
    /**
     * Builds the actions and the reaper on the service and schedules the
     * reaper. The source control integration, when there is one, reads and
     * removes pull request labels and shows expiry changes.
     */
    async start(deps: {
      service: SleepControl & ReaperOptions['service'];
      scheduler: SchedulerService;
      pullRequests?: PullRequestLabels;
      onExpiryChange?: (preview: StoredPreview) => void;
    }) {
      const { onExpiryChange } = deps;
      const lifecycle = new LifecycleService({
        hooks,
        store: options.store,
        service: deps.service,
        ...(onExpiryChange ? { onExpiryChange } : {}),
      });
      const reaper = new Reaper({
        store: options.store,
        policy,
        service: deps.service,
        credentials: () => options.auth.getOwnServiceCredentials(),
        logger,
        clock,
        linkOf,
        canSleep: engineId =>
          Boolean(options.engines?.get(engineId)?.canSleep ?? !options.engines),
        ...(traffic ? { traffic } : {}),
        ...(deps.pullRequests ? { pullRequests: deps.pullRequests } : {}),
        ...(onExpiryChange ? { onWarned: onExpiryChange } : {}),
        ...(options.notifications
          ? { notify: expiryNotifier(options.notifications) }
          : {}),
      });
      await deps.scheduler.scheduleTask({
        id: 'previews-lifecycle',
        frequency: { seconds: policy.checkIntervalSeconds },
        timeout: { minutes: 10 },
        initialDelay: { seconds: Math.min(60, policy.checkIntervalSeconds) },
        scope: 'global',
        fn: async () => {
          const report = await reaper.run();
          if (
            report.destroyed.length ||
            report.warned.length ||
            report.slept.length
          ) {
            logger.info(
              `Lifecycle: ${report.destroyed.length} expired, ${report.warned.length} warned, ${report.slept.length} put to sleep`,
            );
          }
        },
      });
      return lifecycle;
    },
  };
}

/** Expiry warnings as Backstage notifications to the preview's creator and its component's owner. */
function expiryNotifier(notifications: NotificationService): ExpiryNotifier {
  return async (preview, message) => {
    const recipients = [preview.createdBy, preview.ownerRef].filter(
      (r): r is string => Boolean(r),
    );
    if (!recipients.length) return;
    await notifications.send({
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
  };
}
