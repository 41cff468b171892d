import { useEffect, useState } from 'react';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { ConfirmActionDialog } from './ConfirmActionDialog';
import { extendableHours, formatDateTime, formatExpiry } from './format';

/** Props of {@link ExtendPreviewDialog}. */
export interface ExtendPreviewDialogProps {
  /** The preview to extend; the dialog is open while this is set. */
  preview?: Preview;
  onClose: () => void;
  onExtended: (preview: Preview) => void;
}

/** Asks for a number of hours (up to what `maxExpiresAt` allows) and extends the preview. */
export function ExtendPreviewDialog(props: ExtendPreviewDialogProps) {
  const { preview, onClose, onExtended } = props;
  const previewsApi = useApi(previewsApiRef);
  const [shown, setShown] = useState<Preview | undefined>(preview);
  const [hours, setHours] = useState('4');

  useEffect(() => {
    if (preview) {
      setShown(preview);
      const max = extendableHours(preview);
      setHours(String(max === undefined ? 4 : Math.max(1, Math.min(4, max))));
    }
  }, [preview]);

  const max = shown ? extendableHours(shown) : undefined;
  const value = Number(hours);
  const invalid =
    !Number.isInteger(value) || value < 1 || (max !== undefined && value > max);

  return (
    <ConfirmActionDialog
      id="extend-preview-dialog"
      open={Boolean(preview)}
      title="Extend preview"
      confirmLabel="Extend"
      submittingLabel="Extending…"
      confirmDisabled={!preview || invalid}
      errorTestId="extend-preview-error"
      onClose={onClose}
      onConfirm={async () => {
        onExtended(await previewsApi.extendPreview(preview!.id, value));
      }}
      fields={submitting => (
        <TextField
          type="number"
          label="Hours to add"
          id="extend-preview-hours"
          value={hours}
          onChange={e => setHours(e.target.value)}
          inputProps={{ min: 1, max, step: 1 }}
          error={invalid}
          helperText={
            max !== undefined ? `1 to ${max} hours` : 'Whole hours, at least 1'
          }
          fullWidth
          sx={{ mt: 2 }}
          disabled={submitting}
        />
      )}
    >
      <strong>{shown?.name}</strong> {shown ? formatExpiry(shown) : ''}
      {shown?.expiresAt ? ` (${formatDateTime(shown.expiresAt)})` : ''}.
      {shown?.maxExpiresAt
        ? ` It can live until ${formatDateTime(shown.maxExpiresAt)} at most.`
        : ''}
    </ConfirmActionDialog>
  );
}
