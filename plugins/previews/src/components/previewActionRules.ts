import { Preview } from '@backstage-previews/plugin-previews-common';
import { PreviewPermissions } from '../hooks/usePreviewPermissions';
import { PreviewsT } from '../translation';
import { extendableHours } from './format';

/** The actions a preview row offers. */
export type PreviewAction =
  | 'extend'
  | 'keep'
  | 'redeploy'
  | 'reseed'
  | 'sleep'
  | 'wake'
  | 'destroy';

/** Whether an action can be taken now and, if not, why (shown in its tooltip). */
export interface ActionAvailability {
  enabled: boolean;
  reason?: string;
}

const PERMISSION_OF: Record<PreviewAction, 'update' | 'delete'> = {
  extend: 'update',
  keep: 'update',
  redeploy: 'update',
  reseed: 'update',
  sleep: 'update',
  wake: 'update',
  destroy: 'delete',
};

const SEED_BUSY = ['pending', 'seeding', 'migrating'];

/** Why the preview's state forbids the action, or undefined when it allows it. */
function stateForbids(
  t: PreviewsT,
  action: PreviewAction,
  preview: Preview,
  now: Date,
): string | undefined {
  const { status } = preview;
  if (status === 'destroyed') return t('actionRules.destroyed');
  if (status === 'destroying') return t('actionRules.destroying');
  switch (action) {
    case 'destroy':
    case 'keep':
      return undefined;
    case 'extend': {
      if (preview.keep && !preview.expiresAt)
        return t('actionRules.keptWithoutExpiry');
      if (!preview.expiresAt) return t('actionRules.noExpiry');
      const hours = extendableHours(preview, now);
      if (hours !== undefined && hours < 1)
        return t('actionRules.atMaximumLifetime');
      return undefined;
    }
    case 'redeploy':
      if (status === 'sleeping') return t('actionRules.wakeFirst');
      if (status === 'waiting-for-build')
        return t('actionRules.waitingForBuild');
      return undefined;
    case 'reseed':
      if (!preview.seed || preview.seed.phase === 'none')
        return t('actionRules.noDatabase');
      if (SEED_BUSY.includes(preview.seed.phase))
        return t('actionRules.seedingUnderWay', { phase: preview.seed.phase });
      if (status === 'sleeping') return t('actionRules.wakeFirst');
      return undefined;
    case 'sleep':
      return status === 'ready' || status === 'degraded'
        ? undefined
        : t('actionRules.cannotSleep', { status });
    case 'wake':
      return status === 'sleeping' ? undefined : t('actionRules.notSleeping');
    default:
      return undefined;
  }
}

/**
 * Whether the user can take an action on a preview now: permission first
 * (the backend would refuse), then what the preview's state allows.
 */
export function actionAvailability(
  t: PreviewsT,
  action: PreviewAction,
  preview: Preview,
  permissions: PreviewPermissions,
  now: Date = new Date(),
): ActionAvailability {
  if (permissions.loading) {
    return { enabled: false, reason: t('permissions.checking') };
  }
  const permission = PERMISSION_OF[action];
  if (!permissions[permission]) {
    return {
      enabled: false,
      reason:
        permission === 'update'
          ? t('permissions.updateDenied')
          : t('permissions.deleteDenied'),
    };
  }
  const reason = stateForbids(t, action, preview, now);
  return reason ? { enabled: false, reason } : { enabled: true };
}
