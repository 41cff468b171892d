import { FormEvent, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Autocomplete from '@mui/material/Autocomplete';
import { useApi } from '@backstage/core-plugin-api';
import { BranchPickerItem, Preview } from '@backstage-previews/plugin-previews-common';
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
  const [picked, setPicked] = useState<BranchPickerItem | undefined>();
  const [options, setOptions] = useState<BranchPickerItem[]>([]);
  const [suggestionsError, setSuggestionsError] = useState<string | undefined>();

  // Every opening starts with an empty form.
  useEffect(() => {
    if (open) {
      setBranch('');
      setPicked(undefined);
      setTouched(false);
      setSubmitting(false);
      setError(undefined);
    }
  }, [open]);

  // Suggestions from the repository's branches and open pull requests, a
  // moment after typing stops; a repository the backend cannot list leaves a
  // plain text field.
  useEffect(() => {
    if (!open) return undefined;
    let current = true;
    const timer = setTimeout(() => {
      previewsApi
        .listBranches({ entityRef, q: branch.trim() || undefined })
        .then(res => {
          if (!current) return;
          setOptions(res.items);
          setSuggestionsError(undefined);
        })
        .catch(e => {
          if (!current) return;
          setOptions([]);
          setSuggestionsError(errorMessage(e));
        });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [open, entityRef, branch, previewsApi]);

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
      const pullRequest =
        picked?.kind === 'pullRequest' && picked.branch === trimmed
          ? picked.number
          : undefined;
      const preview = await previewsApi.createPreview(
        pullRequest !== undefined
          ? { entityRef, pullRequest }
          : { entityRef, branch: trimmed },
      );
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
          <Autocomplete<BranchPickerItem, false, false, true>
            freeSolo
            options={options}
            filterOptions={x => x}
            inputValue={branch}
            onInputChange={(_e, value) => {
              setBranch(value);
              if (picked && value !== picked.branch) setPicked(undefined);
            }}
            onChange={(_e, value) => {
              if (value && typeof value !== 'string') {
                setPicked(value);
                setBranch(value.branch);
              }
            }}
            getOptionLabel={o => (typeof o === 'string' ? o : o.branch)}
            isOptionEqualToValue={(a, b) => a.kind === b.kind && a.branch === b.branch && a.number === b.number}
            renderOption={(optionProps, o) => (
              <li {...optionProps} key={`${o.kind}-${o.number ?? o.branch}`}>
                {o.kind === 'pullRequest'
                  ? `#${o.number} ${o.title ?? ''} (${o.branch}${o.author ? `, ${o.author.login}` : ''}${o.draft ? ', draft' : ''})`
                  : o.branch}
              </li>
            )}
            disabled={submitting}
            renderInput={params => (
              <TextField
                {...params}
                id="create-preview-branch"
                label="Branch"
                name="branch"
                onBlur={() => setTouched(true)}
                required
                fullWidth
                error={missing}
                helperText={
                  missing
                    ? 'Branch is required'
                    : picked?.kind === 'pullRequest'
                    ? `Pull request #${picked.number}: ${picked.title ?? ''}`
                    : suggestionsError
                    ? `Type a branch name (no suggestions: ${suggestionsError})`
                    : 'A branch or an open pull request, e.g. feature/checkout'
                }
                inputProps={{ ...params.inputProps, 'data-testid': 'create-preview-branch' }}
              />
            )}
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
