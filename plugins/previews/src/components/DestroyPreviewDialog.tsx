import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
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

/** Asks for confirmation, then destroys a preview. */
export function DestroyPreviewDialog(props: DestroyPreviewDialogProps) {
  const { preview, onClose, onDestroyed } = props;
  const previewsApi = useApi(previewsApiRef);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>();

  // Keep showing the last preview while the dialog animates closed.
  const [shown, setShown] = useState<Preview | undefined>(preview);
  useEffect(() => {
    if (preview) {
      setShown(preview);
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
    if (!preview || submitting) {
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
      </DialogContent>
      <DialogActions>
        <Button onClick={handleClose} disabled={submitting}>
          Cancel
        </Button>
        <Button
          color="error"
          variant="contained"
          onClick={handleConfirm}
          disabled={submitting}
        >
          Destroy preview
        </Button>
      </DialogActions>
    </Dialog>
  );
}
