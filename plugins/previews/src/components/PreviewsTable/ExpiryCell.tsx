import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../../translation';
import { formatDateTime, formatExpiry, formatKeptLimit } from '../format';

export function ExpiryCell({ preview, now }: { preview: Preview; now: Date }) {
  const { t } = useTranslationRef(previewsTranslationRef);
  // A kept preview's chip says so; the text under it is only how long it may live.
  const text = preview.keep
    ? formatKeptLimit(t, preview, now)
    : formatExpiry(t, preview, now) || '–';
  // The backend's rule (its warning window), so the colour, the filter and the summary agree.
  const soon = preview.expiringSoon === true;
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      {preview.keep && (
        <Chip
          size="small"
          color="primary"
          variant="outlined"
          label={t('expiryCell.kept')}
          data-testid="preview-kept"
        />
      )}
      <Typography
        variant="body2"
        color={soon ? 'warning.main' : 'text.primary'}
        data-testid="preview-expiry"
        title={
          preview.expiresAt ? formatDateTime(preview.expiresAt) : undefined
        }
      >
        {text}
      </Typography>
    </Stack>
  );
}
