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
import { errorMessage } from './format';

/** Props of {@link CreatePreviewDialog}. */
export interface CreatePreviewDialogProps {
  open: boolean;
  /** The entity to create the preview for. */
  entityRef: string;
  onClose: () => void;
  onCreated: (preview: Preview) => void;
}

/**
 * Asks for a branch and creates a preview of it. On failure the dialog stays
 * open and shows the reason the backend gave.
 */
export function CreatePreviewDialog(props: CreatePreviewDialogProps) {
  const { open, entityRef, onClose, onCreated } = props;
  const previewsApi = useApi(previewsApiRef);
  const [branch, setBranch] = useState('');
  const [touched, setTouched] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>();

  // Every opening starts with an empty form.
  useEffect(() => {
    if (open) {
      setBranch('');
      setTouched(false);
      setSubmitting(false);
      setError(undefined);
    }
  }, [open]);

  const trimmed = branch.trim();
  const missing = touched && trimmed === '';

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (trimmed === '' || submitting) {
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      const preview = await previewsApi.createPreview({
        entityRef,
        branch: trimmed,
      });
      setSubmitting(false);
      onCreated(preview);
    } catch (e) {
      setSubmitting(false);
      setError(errorMessage(e));
    }
  };

  const handleClose = () => {
    if (!submitting) {
      onClose();
    }
  };

  return (
    <Dialog
      open={open}
      onClose={handleClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="create-preview-dialog-title"
    >
      <form noValidate onSubmit={handleSubmit}>
        <DialogTitle id="create-preview-dialog-title">
          Create preview
        </DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            A preview runs the image built from a branch in its own environment,
            reachable at its own URL.
          </DialogContentText>
          {error && (
            <Alert
              severity="error"
              sx={{ mb: 2 }}
              data-testid="create-preview-error"
            >
              {error}
            </Alert>
          )}
          <TextField
            id="create-preview-branch"
            label="Branch"
            name="branch"
            value={branch}
            onChange={e => setBranch(e.target.value)}
            onBlur={() => setTouched(true)}
            required
            fullWidth
            disabled={submitting}
            error={missing}
            helperText={
              missing ? 'Branch is required' : 'For example feature/checkout'
            }
            inputProps={{ 'data-testid': 'create-preview-branch' }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={handleClose} disabled={submitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={submitting}>
            Create
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
