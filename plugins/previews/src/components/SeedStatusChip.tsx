import { useState } from 'react';
import Box from '@mui/material/Box';
import Chip, { ChipProps } from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Popover from '@mui/material/Popover';
import Typography from '@mui/material/Typography';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { PreviewSeedStatus } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../translation';

const COLORS: Record<PreviewSeedStatus['phase'], ChipProps['color']> = {
  none: 'default',
  pending: 'info',
  seeding: 'info',
  migrating: 'info',
  ready: 'success',
  failed: 'error',
};

/** Props of {@link SeedStatusChip}. */
export interface SeedStatusChipProps {
  seed?: PreviewSeedStatus;
  /** Names the popover for screen readers. */
  previewName: string;
}

/**
 * The seed status of a preview's database. A failed seed opens a popover
 * with the failing step and the tail of its log on click (or Enter).
 */
export function SeedStatusChip(props: SeedStatusChipProps) {
  const { seed, previewName } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  if (!seed || seed.phase === 'none') {
    return (
      <Typography
        variant="body2"
        color="text.secondary"
        data-testid="preview-seed"
      >
        –
      </Typography>
    );
  }
  const busy = ['pending', 'seeding', 'migrating'].includes(seed.phase);
  const failed = seed.phase === 'failed';
  const label =
    failed && seed.failedStep
      ? t('seedChip.stepFailed', { step: seed.failedStep })
      : seed.phase;
  const popoverId = `seed-log-${previewName}`;
  return (
    <>
      <Chip
        data-testid="preview-seed"
        size="small"
        variant="outlined"
        color={COLORS[seed.phase]}
        label={label}
        title={
          seed.version
            ? t('seedChip.version', { version: seed.version })
            : undefined
        }
        icon={
          busy ? (
            <CircularProgress
              size={12}
              color="inherit"
              aria-label={t('seedChip.inProgress', { phase: seed.phase })}
            />
          ) : undefined
        }
        {...(failed
          ? {
              onClick: (e: React.MouseEvent<HTMLElement>) =>
                setAnchor(e.currentTarget),
              'aria-label': t('seedChip.showLog', { label }),
              'aria-haspopup': 'dialog' as const,
              'aria-controls': anchor ? popoverId : undefined,
            }
          : {})}
      />
      <Popover
        id={popoverId}
        open={Boolean(anchor)}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
        slotProps={{
          paper: {
            role: 'dialog',
            'aria-label': t('seedChip.logLabel', { name: previewName }),
          } as object,
        }}
      >
        <Box sx={{ p: 2, maxWidth: 640 }} data-testid="preview-seed-log">
          <Typography variant="subtitle2" gutterBottom>
            {seed.failedStep === 'migrating'
              ? t('seedChip.migrationFailed')
              : t('seedChip.seedingFailed')}
            {seed.version
              ? ` ${t('seedChip.logVersion', { version: seed.version })}`
              : ''}
          </Typography>
          {seed.message && (
            <Typography variant="body2" gutterBottom>
              {seed.message}
            </Typography>
          )}
          {seed.logTail?.length ? (
            <Box
              component="pre"
              sx={{
                m: 0,
                p: 1,
                maxHeight: 300,
                overflow: 'auto',
                fontSize: 12,
                bgcolor: 'action.hover',
                color: 'text.primary',
                borderRadius: 1,
                whiteSpace: 'pre-wrap',
              }}
            >
              {seed.logTail.join('\n')}
            </Box>
          ) : (
            <Typography variant="body2" color="text.secondary">
              {t('seedChip.noLog')}
            </Typography>
          )}
        </Box>
      </Popover>
    </>
  );
}
