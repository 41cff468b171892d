import { ReactElement, useState } from 'react';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import MoreTimeIcon from '@mui/icons-material/MoreTime';
import PushPinIcon from '@mui/icons-material/PushPin';
import PushPinOutlinedIcon from '@mui/icons-material/PushPinOutlined';
import RefreshIcon from '@mui/icons-material/Refresh';
import StorageIcon from '@mui/icons-material/Storage';
import BedtimeIcon from '@mui/icons-material/Bedtime';
import WbSunnyIcon from '@mui/icons-material/WbSunny';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { usePreviewPermissions } from '../hooks/usePreviewPermissions';
import { previewsTranslationRef } from '../translation';
import { actionAvailability, PreviewAction } from './previewActionRules';
import { errorMessage } from './format';

/** What the actions of a preview call back. */
export interface PreviewActionHandlers {
  /** Actions that ask first open these dialogs. */
  onExtend: (preview: Preview) => void;
  onReseed: (preview: Preview) => void;
  onDestroy: (preview: Preview) => void;
  /** Destroy every preview of the preview's group (asks first). */
  onDestroyGroup?: (preview: Preview) => void;
  /** After an immediate action succeeded: reload. */
  onChanged: (preview: Preview) => void;
  /** After an immediate action failed: the message of the backend. */
  onError: (message: string) => void;
}

/** Props of {@link PreviewActions}. */
export interface PreviewActionsProps extends PreviewActionHandlers {
  preview: Preview;
  now: Date;
  /** Two rows of three buttons instead of one row (narrow tables). */
  compact?: boolean;
}

interface ActionButtonProps {
  action: PreviewAction;
  label: string;
  icon: ReactElement;
  busy?: boolean;
  pressed?: boolean;
  color?: 'error' | 'primary' | 'default';
  availability: { enabled: boolean; reason?: string };
  onClick: () => void;
}

/** An icon button whose tooltip says what it does or why it is disabled. */
function ActionButton(props: ActionButtonProps) {
  const { action, label, icon, busy, pressed, color, availability, onClick } =
    props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const disabled = !availability.enabled || busy;
  return (
    <Tooltip
      title={
        availability.enabled
          ? label
          : t('previewActions.disabled', {
              label,
              reason: availability.reason ?? '',
            })
      }
    >
      {/* A disabled button gets no mouse events; the span keeps the tooltip. */}
      <span>
        <IconButton
          size="small"
          aria-label={label}
          aria-pressed={pressed}
          aria-busy={busy || undefined}
          data-testid={`preview-action-${action}`}
          color={color ?? 'default'}
          disabled={disabled}
          onClick={onClick}
        >
          {busy ? <CircularProgress size={18} color="inherit" /> : icon}
        </IconButton>
      </span>
    </Tooltip>
  );
}

/**
 * The actions of one preview row. Keep, redeploy, sleep and wake happen at
 * once; extend, reseed and destroy ask first (in the dialogs of the parent).
 */
export function PreviewActions(props: PreviewActionsProps) {
  const {
    preview,
    now,
    onExtend,
    onReseed,
    onDestroy,
    onChanged,
    onError,
    compact = false,
  } = props;
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const permissions = usePreviewPermissions(preview.entityRef);
  const [busy, setBusy] = useState<PreviewAction | undefined>();

  const available = (action: PreviewAction) =>
    actionAvailability(t, action, preview, permissions, now);

  const run = async (
    action: PreviewAction,
    call: () => Promise<Preview>,
    failed: (error: string) => string,
  ) => {
    setBusy(action);
    try {
      onChanged(await call());
    } catch (e) {
      onError(failed(errorMessage(e)));
    } finally {
      setBusy(undefined);
    }
  };

  const sleeping = preview.status === 'sleeping';
  return (
    <Stack
      direction="row"
      spacing={0}
      justifyContent="flex-end"
      flexWrap={compact ? 'wrap' : 'nowrap'}
      sx={compact ? { width: 3 * 34, ml: 'auto' } : undefined}
    >
      <ActionButton
        action="extend"
        label={t('previewActions.extend')}
        icon={<MoreTimeIcon fontSize="small" />}
        availability={available('extend')}
        onClick={() => onExtend(preview)}
      />
      <ActionButton
        action="keep"
        label={
          preview.keep
            ? t('previewActions.stopKeeping')
            : t('previewActions.keep')
        }
        icon={
          preview.keep ? (
            <PushPinIcon fontSize="small" />
          ) : (
            <PushPinOutlinedIcon fontSize="small" />
          )
        }
        pressed={Boolean(preview.keep)}
        color={preview.keep ? 'primary' : 'default'}
        busy={busy === 'keep'}
        availability={available('keep')}
        onClick={() =>
          run(
            'keep',
            () => previewsApi.keepPreview(preview.id, !preview.keep),
            error =>
              t('previewActions.keepFailed', { name: preview.name, error }),
          )
        }
      />
      <ActionButton
        action="redeploy"
        label={t('previewActions.redeploy')}
        icon={<RefreshIcon fontSize="small" />}
        busy={busy === 'redeploy'}
        availability={available('redeploy')}
        onClick={() =>
          run(
            'redeploy',
            () => previewsApi.redeployPreview(preview.id),
            error =>
              t('previewActions.redeployFailed', { name: preview.name, error }),
          )
        }
      />
      <ActionButton
        action="reseed"
        label={t('previewActions.reseed')}
        icon={<StorageIcon fontSize="small" />}
        availability={available('reseed')}
        onClick={() => onReseed(preview)}
      />
      {sleeping ? (
        <ActionButton
          action="wake"
          label={t('previewActions.wake')}
          icon={<WbSunnyIcon fontSize="small" />}
          busy={busy === 'wake'}
          availability={available('wake')}
          onClick={() =>
            run(
              'wake',
              () => previewsApi.wakePreview(preview.id),
              error =>
                t('previewActions.wakeFailed', { name: preview.name, error }),
            )
          }
        />
      ) : (
        <ActionButton
          action="sleep"
          label={t('previewActions.sleep')}
          icon={<BedtimeIcon fontSize="small" />}
          busy={busy === 'sleep'}
          availability={available('sleep')}
          onClick={() =>
            run(
              'sleep',
              () => previewsApi.sleepPreview(preview.id),
              error =>
                t('previewActions.sleepFailed', { name: preview.name, error }),
            )
          }
        />
      )}
      <ActionButton
        action="destroy"
        label={t('previewActions.destroy')}
        icon={<DeleteIcon fontSize="small" />}
        color="error"
        availability={available('destroy')}
        onClick={() => onDestroy(preview)}
      />
    </Stack>
  );
}
