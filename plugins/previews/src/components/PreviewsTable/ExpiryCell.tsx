import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { formatDateTime, formatExpiry } from '../format';

export function ExpiryCell({ preview, now }: { preview: Preview; now: Date }) {
  const text = formatExpiry(preview, now);
  // The backend's rule (its warning window), so the colour, the filter and the summary agree.
  const soon = preview.expiringSoon === true;
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      {preview.keep && (
        <Chip
          size="small"
          color="primary"
          variant="outlined"
          label="kept"
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
        {preview.keep ? text.replace(/^kept,? ?/, '') : text || '–'}
      </Typography>
    </Stack>
  );
}
