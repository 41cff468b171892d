import Chip, { ChipProps } from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Tooltip from '@mui/material/Tooltip';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Preview,
  PreviewStatus,
  TRANSITIONAL_PREVIEW_STATUSES,
} from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../translation';

const STATUS_COLORS: Record<PreviewStatus, ChipProps['color']> = {
  'waiting-for-build': 'default',
  provisioning: 'info',
  ready: 'success',
  degraded: 'warning',
  sleeping: 'default',
  failed: 'error',
  destroying: 'warning',
  destroyed: 'default',
};

/** Props of {@link PreviewStatusChip}. */
export interface PreviewStatusChipProps {
  preview: Pick<Preview, 'status' | 'statusMessage'>;
}

/**
 * The status of a preview as a chip whose text is the status itself; it spins
 * while the preview is changing state and explains itself in a tooltip.
 */
export function PreviewStatusChip(props: PreviewStatusChipProps) {
  const { status, statusMessage } = props.preview;
  const { t } = useTranslationRef(previewsTranslationRef);
  const transitional = TRANSITIONAL_PREVIEW_STATUSES.includes(status);
  const chip = (
    <Chip
      data-testid="preview-status"
      size="small"
      variant={status === 'ready' ? 'filled' : 'outlined'}
      color={STATUS_COLORS[status] ?? 'default'}
      label={status}
      icon={
        transitional ? (
          <CircularProgress
            size={12}
            color="inherit"
            aria-label={t('statusChip.inProgress', { status })}
          />
        ) : undefined
      }
    />
  );
  if (!statusMessage) {
    return chip;
  }
  return (
    <Tooltip title={statusMessage}>
      {/* The span lets the tooltip work and keeps the chip's text unchanged. */}
      <span>{chip}</span>
    </Tooltip>
  );
}
