import { FormEvent, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import {
  errorMessage,
  extendableHours,
  formatDateTime,
  formatExpiry,
} from './format';

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
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (preview) {
      setShown(preview);
      const max = extendableHours(preview);
      setHours(String(max === undefined ? 4 : Math.max(1, Math.min(4, max))));
      setSubmitting(false);
      setError(undefined);
    }
  }, [preview]);

  const max = shown ? extendableHours(shown) : undefined;
  const value = Number(hours);
  const invalid =
    !Number.isInteger(value) || value < 1 || (max !== undefined && value > max);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!preview || invalid || submitting) return;
    setSubmitting(true);
    setError(undefined);
    try {
      const extended = await previewsApi.extendPreview(preview.id, value);
      setSubmitting(false);
      onExtended(extended);
    } catch (e) {
      setSubmitting(false);
      setError(errorMessage(e));
    }
  };

  return (
    <Dialog
      open={Boolean(preview)}
      onClose={() => !submitting && onClose()}
      aria-labelledby="extend-preview-dialog-title"
    >
      <form noValidate onSubmit={handleSubmit}>
        <DialogTitle id="extend-preview-dialog-title">
          Extend preview
        </DialogTitle>
        <DialogContent>
          {error && (
            <Alert
              severity="error"
              sx={{ mb: 2 }}
              data-testid="extend-preview-error"
            >
              {error}
            </Alert>
          )}
          <DialogContentText sx={{ mb: 2 }}>
            <strong>{shown?.name}</strong> {shown ? formatExpiry(shown) : ''}
            {shown?.expiresAt ? ` (${formatDateTime(shown.expiresAt)})` : ''}.
            {shown?.maxExpiresAt
              ? ` It can live until ${formatDateTime(
                  shown.maxExpiresAt,
                )} at most.`
              : ''}
          </DialogContentText>
          <TextField
            type="number"
            label="Hours to add"
            id="extend-preview-hours"
            value={hours}
            onChange={e => setHours(e.target.value)}
            inputProps={{ min: 1, max, step: 1 }}
            error={invalid}
            helperText={
              max !== undefined
                ? `1 to ${max} hours`
                : 'Whole hours, at least 1'
            }
            disabled={submitting}
            fullWidth
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={submitting}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={submitting || invalid}
          >
            {submitting ? 'Extending…' : 'Extend'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
