import { Preview } from '@backstage-previews/plugin-previews-common';
import { PreviewPermissions } from '../hooks/usePreviewPermissions';
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

const PERMISSION_OF: Record<PreviewAction, keyof PreviewPermissions> = {
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
  action: PreviewAction,
  preview: Preview,
  now: Date,
): string | undefined {
  const { status } = preview;
  if (status === 'destroyed') return 'The preview is destroyed';
  if (status === 'destroying') return 'The preview is being destroyed';
  switch (action) {
    case 'destroy':
    case 'keep':
      return undefined;
    case 'extend': {
      if (preview.keep && !preview.expiresAt) return 'Kept: it does not expire';
      if (!preview.expiresAt) return 'The preview has no expiry';
      const hours = extendableHours(preview, now);
      if (hours !== undefined && hours < 1)
        return 'Already at its maximum lifetime';
      return undefined;
    }
    case 'redeploy':
      if (status === 'sleeping') return 'Wake the preview first';
      if (status === 'waiting-for-build')
        return 'Waiting for the build of its commit';
      return undefined;
    case 'reseed':
      if (!preview.seed || preview.seed.phase === 'none')
        return 'The preview has no database';
      if (SEED_BUSY.includes(preview.seed.phase))
        return `Seeding is under way (${preview.seed.phase})`;
      if (status === 'sleeping') return 'Wake the preview first';
      return undefined;
    case 'sleep':
      return status === 'ready' || status === 'degraded'
        ? undefined
        : `Only a ready or degraded preview can sleep (it is ${status})`;
    case 'wake':
      return status === 'sleeping' ? undefined : 'The preview is not sleeping';
    default:
      return undefined;
  }
}

/**
 * Whether the user can take an action on a preview now: permission first
 * (the backend would refuse), then what the preview's state allows.
 */
export function actionAvailability(
  action: PreviewAction,
  preview: Preview,
  permissions: PreviewPermissions,
  now: Date = new Date(),
): ActionAvailability {
  if (permissions.loading) {
    return { enabled: false, reason: 'Checking your permissions…' };
  }
  const permission = PERMISSION_OF[action];
  if (!permissions[permission]) {
    return {
      enabled: false,
      reason: `You are not allowed to ${permission} previews of this component`,
    };
  }
  const reason = stateForbids(action, preview, now);
  return reason ? { enabled: false, reason } : { enabled: true };
}
