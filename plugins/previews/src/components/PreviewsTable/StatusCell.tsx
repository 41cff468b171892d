import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../../translation';
import { PreviewStatusChip } from '../PreviewStatusChip';
import { PreviewTimelineBar } from '../PreviewTimelineBar';

/** Colour of the status message under the chip. */
const MESSAGE_COLORS: Partial<Record<Preview['status'], string>> = {
  failed: 'error',
  degraded: 'warning.main',
};

/** The workload facts under the status chip: why, pods, latest warning, the latest rollout's timeline. */
export function StatusCell({ preview }: { preview: Preview }) {
  const { t } = useTranslationRef(previewsTranslationRef);
  const explain =
    preview.statusMessage &&
    (preview.status === 'failed' ||
      preview.status === 'degraded' ||
      preview.status === 'destroying' ||
      preview.status === 'provisioning' ||
      preview.status === 'waiting-for-build');
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      <PreviewStatusChip preview={preview} />
      {explain && (
        <Typography
          variant="caption"
          color={MESSAGE_COLORS[preview.status] ?? 'text.secondary'}
          data-testid="preview-status-message"
        >
          {preview.statusMessage}
        </Typography>
      )}
      {preview.details && preview.status !== 'destroying' && (
        <Typography
          variant="caption"
          color="text.secondary"
          sx={{ whiteSpace: 'nowrap' }}
          data-testid="preview-pods"
        >
          {preview.details.restarts
            ? t('statusCell.podsAndRestarts', {
                ready: String(preview.details.podsReady),
                total: String(preview.details.podsTotal),
                restarts: String(preview.details.restarts),
              })
            : t('statusCell.pods', {
                ready: String(preview.details.podsReady),
                total: String(preview.details.podsTotal),
              })}
        </Typography>
      )}
      {/* A ready preview's warnings are past trouble (e.g. a retried pod
          creation at startup): shown only while something is wrong or changing. */}
      {preview.details?.warnings?.length &&
      preview.status !== 'ready' &&
      preview.status !== 'sleeping' ? (
        <Tooltip
          title={preview.details.warnings
            .map(w => `${w.reason} (${w.object}): ${w.message}`)
            .join('\n')}
        >
          <Typography
            variant="caption"
            color="warning.main"
            data-testid="preview-warning"
          >
            {preview.details.warnings[0].reason}:{' '}
            {preview.details.warnings[0].message}
          </Typography>
        </Tooltip>
      ) : null}
      <PreviewTimelineBar timeline={preview.timeline} />
    </Stack>
  );
}
