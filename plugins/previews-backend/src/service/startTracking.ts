import {
  AuthService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  PreviewEngine,
  PreviewTracking,
} from '@backstage-previews/plugin-previews-node';
import type { PreviewsStore } from '../database/PreviewsStore';
import { DEFAULT_ORPHAN_SWEEP_LIMITS } from '../lifecycle/orphans';
import type { PreviewService } from './PreviewService';
import { resumeInterrupted } from './resumeInterrupted';
import { readDurationSetting } from '../config/durationSetting';

/**
 * Keeps stored status true to the clusters: each engine's watch reports
 * changes as they happen (from startup), a periodic reconcile catches what
 * a watch missed, creates a restart interrupted are applied again, and one
 * replica sweeps for orphans (a dry run, reporting only, unless enabled).
 */
export async function startTracking(deps: {
  service: PreviewService;
  store: PreviewsStore;
  engines: ReadonlyMap<string, PreviewEngine>;
  /** The `previews` config block. */
  config?: Config;
  lifecycle: LifecycleService;
  scheduler: SchedulerService;
  auth: AuthService;
  logger: LoggerService;
}): Promise<void> {
  const { service, config } = deps;
  const trackings: PreviewTracking[] = [];
  deps.lifecycle.addStartupHook(async () => {
    for (const engine of deps.engines.values()) {
      trackings.push(await engine.track(o => service.observe(o, engine.id)));
    }
    void resumeInterrupted({
      store: deps.store,
      service,
      auth: deps.auth,
      logger: deps.logger,
    });
  });
  deps.lifecycle.addShutdownHook(async () => {
    await Promise.all(trackings.map(t => t.stop()));
  });
  await deps.scheduler.scheduleTask({
    id: 'previews-reconcile',
    frequency: {
      seconds: readDurationSetting(config, 'reconcileIntervalSeconds') ?? 30,
    },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 1 },
    scope: 'local',
    fn: () => service.reconcile(),
  });
  const sweep = config?.getOptionalConfig('orphanSweep');
  if (!(sweep?.getOptionalBoolean('enabled') ?? true)) return;
  // Read now, not per sweep: a bad value stops the start, not each sweep.
  const dryRun = sweep?.getOptionalBoolean('dryRun') ?? true;
  const minAgeMinutes = readDurationSetting(sweep, 'minAgeMinutes');
  const limits = {
    maxCount:
      sweep?.getOptionalNumber('maxCount') ??
      DEFAULT_ORPHAN_SWEEP_LIMITS.maxCount,
    maxShare:
      sweep?.getOptionalNumber('maxShare') ??
      DEFAULT_ORPHAN_SWEEP_LIMITS.maxShare,
  };
  await deps.scheduler.scheduleTask({
    id: 'previews-orphan-sweep',
    frequency: {
      minutes: readDurationSetting(sweep, 'frequencyMinutes') ?? 30,
    },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 10 },
    scope: 'global',
    fn: async () => {
      await service.sweepOrphans({ dryRun, minAgeMinutes, limits });
    },
  });
}
