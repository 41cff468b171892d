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
import Avatar from '@mui/material/Avatar';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  BranchPickerItem,
  Preview,
} from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef } from '../translation';
import { errorMessage, shortRef } from './format';

/** Props of {@link CreatePreviewDialog}. */
export interface CreatePreviewDialogProps {
  open: boolean;
  /** The entity to create the preview for. */
  entityRef: string;
  /** Components the preview depends on, to say where they will point. */
  dependencies?: string[];
  onClose: () => void;
  onCreated: (preview: Preview) => void;
}

/**
 * Asks for a branch and creates a preview of it. On failure the dialog stays
 * open and shows the reason the backend gave.
 */
export function CreatePreviewDialog(props: CreatePreviewDialogProps) {
  const { open, entityRef, dependencies = [], onClose, onCreated } = props;
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const [branch, setBranch] = useState('');
  const [touched, setTouched] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [picked, setPicked] = useState<BranchPickerItem | undefined>();
  const [options, setOptions] = useState<BranchPickerItem[]>([]);
  const [suggestionsError, setSuggestionsError] = useState<
    string | undefined
  >();

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

  // The open pull requests offered for one click before anything is typed.
  const [quickPicks, setQuickPicks] = useState<BranchPickerItem[]>([]);

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
          if (!branch.trim()) {
            setQuickPicks(
              res.items.filter(i => i.kind === 'pullRequest').slice(0, 3),
            );
          }
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
  let helperText: string = t('createDialog.branchHelp');
  if (missing) helperText = t('createDialog.branchRequired');
  else if (picked?.kind === 'pullRequest')
    helperText = t('createDialog.pickedPullRequest', {
      number: String(picked.number),
      title: picked.title ?? '',
    });
  else if (suggestionsError)
    helperText = t('createDialog.noSuggestions', { error: suggestionsError });

  const create = async (target: string, pullRequest?: number) => {
    if (submitting) return;
    setSubmitting(true);
    setError(undefined);
    try {
      const preview = await previewsApi.createPreview(
        pullRequest !== undefined
          ? { entityRef, pullRequest }
          : { entityRef, branch: target },
      );
      setSubmitting(false);
      onCreated(preview);
    } catch (e) {
      setSubmitting(false);
      setError(errorMessage(e));
    }
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (trimmed === '' || submitting) {
      return;
    }
    const pullRequest =
      picked?.kind === 'pullRequest' && picked.branch === trimmed
        ? picked.number
        : undefined;
    await create(trimmed, pullRequest);
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
          {t('createDialog.title')}
        </DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            {t('createDialog.intro', {
              component: <strong>{shortRef(entityRef)}</strong>,
            })}
          </DialogContentText>
          {quickPicks.length > 0 && (
            <Stack
              spacing={1}
              sx={{ mb: 2 }}
              data-testid="create-preview-quick-picks"
            >
              <Typography variant="subtitle2">
                {t('createDialog.quickPicks')}
              </Typography>
              <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap>
                {quickPicks.map(pr => (
                  <Chip
                    key={pr.number}
                    clickable
                    disabled={submitting}
                    avatar={
                      pr.author?.avatarUrl ? (
                        <Avatar
                          alt={pr.author.login}
                          src={pr.author.avatarUrl}
                        />
                      ) : undefined
                    }
                    label={`#${pr.number} ${pr.title ?? pr.branch}`}
                    aria-label={t('createDialog.quickPickLabel', {
                      number: String(pr.number),
                      title: pr.title ?? '',
                    }).trim()}
                    onClick={() => create(pr.branch, pr.number)}
                  />
                ))}
              </Stack>
            </Stack>
          )}
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
            isOptionEqualToValue={(a, b) =>
              a.kind === b.kind &&
              a.branch === b.branch &&
              a.number === b.number
            }
            renderOption={(optionProps, o) => (
              <li {...optionProps} key={`${o.kind}-${o.number ?? o.branch}`}>
                {o.kind === 'pullRequest'
                  ? `#${o.number} ${o.title ?? ''} (${o.branch}${
                      o.author ? `, ${o.author.login}` : ''
                    }${o.draft ? `, ${t('createDialog.draft')}` : ''})`
                  : o.branch}
              </li>
            )}
            disabled={submitting}
            renderInput={params => (
              <TextField
                {...params}
                id="create-preview-branch"
                label={t('createDialog.branchLabel')}
                name="branch"
                onBlur={() => setTouched(true)}
                required
                fullWidth
                error={missing}
                helperText={helperText}
                inputProps={{
                  ...params.inputProps,
                  'data-testid': 'create-preview-branch',
                }}
              />
            )}
          />
          <Typography
            variant="body2"
            color="text.secondary"
            sx={{ mt: 2 }}
            data-testid="create-preview-summary"
          >
            {dependencies.length > 0
              ? t('createDialog.withDependencies', {
                  dependencies: dependencies.map(shortRef).join(', '),
                })
              : t('createDialog.withoutDependencies')}
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={handleClose} disabled={submitting}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="contained" disabled={submitting}>
            {t('createDialog.create')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
