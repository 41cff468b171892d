import { useEffect, useState } from 'react';
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
import { errorMessage } from './format';

/** Props of {@link DestroyPreviewDialog}. */
export interface DestroyPreviewDialogProps {
  /** The preview to destroy; the dialog is open while this is set. */
  preview?: Preview;
  onClose: () => void;
  onDestroyed: (preview: Preview) => void;
}

/** Asks for confirmation (typing the preview's name), then destroys a preview. */
export function DestroyPreviewDialog(props: DestroyPreviewDialogProps) {
  const { preview, onClose, onDestroyed } = props;
  const previewsApi = useApi(previewsApiRef);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [typed, setTyped] = useState('');

  // Keep showing the last preview while the dialog animates closed.
  const [shown, setShown] = useState<Preview | undefined>(preview);
  useEffect(() => {
    if (preview) {
      setShown(preview);
      setTyped('');
      setSubmitting(false);
      setError(undefined);
    }
  }, [preview]);

  const handleClose = () => {
    if (!submitting) {
      onClose();
    }
  };

  const handleConfirm = async () => {
    if (!preview || submitting || typed.trim() !== preview.name) {
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      const destroyed = await previewsApi.destroyPreview(preview.id);
      setSubmitting(false);
      onDestroyed(destroyed);
    } catch (e) {
      setSubmitting(false);
      setError(errorMessage(e));
    }
  };

  return (
    <Dialog
      open={Boolean(preview)}
      onClose={handleClose}
      aria-labelledby="destroy-preview-dialog-title"
    >
      <DialogTitle id="destroy-preview-dialog-title">
        Destroy preview?
      </DialogTitle>
      <DialogContent>
        {error && (
          <Alert
            severity="error"
            sx={{ mb: 2 }}
            data-testid="destroy-preview-error"
          >
            {error}
          </Alert>
        )}
        <DialogContentText>
          The preview <strong>{shown?.name}</strong> of branch{' '}
          <strong>{shown?.branch}</strong> and everything running in it will be
          deleted. This cannot be undone.
        </DialogContentText>
        <TextField
          margin="normal"
          fullWidth
          size="small"
          id="destroy-preview-confirm-name"
          label="Type the preview name to confirm"
          value={typed}
          onChange={e => setTyped(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') handleConfirm();
          }}
          placeholder={shown?.name}
          disabled={submitting}
          inputProps={{
            'data-testid': 'destroy-preview-confirm-name',
            autoComplete: 'off',
            spellCheck: false,
          }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={handleClose} disabled={submitting}>
          Cancel
        </Button>
        <Button
          color="error"
          variant="contained"
          onClick={handleConfirm}
          disabled={submitting || typed.trim() !== shown?.name}
        >
          {submitting ? 'Destroying…' : 'Destroy preview'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
