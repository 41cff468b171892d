import { FormEvent, ReactNode, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { previewsTranslationRef } from '../translation';
import { errorMessage } from './format';

/** Props of {@link ConfirmActionDialog}. */
export interface ConfirmActionDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Runs on confirmation; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  color?: 'primary' | 'error' | 'warning';
  /** Inputs under the text (Enter in one of them confirms), given whether the action runs. */
  fields?: (submitting: boolean) => ReactNode;
  /** The confirm button is disabled (e.g. until an input is valid). */
  confirmDisabled?: boolean;
  /** The confirm button's label while the action runs; default: its label. */
  submittingLabel?: string;
  /** `data-testid` of the error shown when the action fails. */
  errorTestId?: string;
  /** Element ids, for dialogs that are told apart by them. */
  id?: string;
}

/** Asks before an action that cannot be undone and shows its progress and error. */
export function ConfirmActionDialog(props: ConfirmActionDialogProps) {
  const { open, title, children, confirmLabel, onConfirm, onClose, color } =
    props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const id = props.id ?? 'confirm-action-dialog';
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (open) {
      setSubmitting(false);
      setError(undefined);
    }
  }, [open]);

  const confirm = async (event?: FormEvent) => {
    event?.preventDefault();
    if (submitting || props.confirmDisabled) return;
    setSubmitting(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={() => !submitting && onClose()}
      aria-labelledby={`${id}-title`}
    >
      <form noValidate onSubmit={confirm}>
        <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
        <DialogContent>
          {error && (
            <Alert
              severity="error"
              sx={{ mb: 2 }}
              data-testid={props.errorTestId ?? 'confirm-action-error'}
            >
              {error}
            </Alert>
          )}
          <DialogContentText component="div">{children}</DialogContentText>
          {props.fields?.(submitting)}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={submitting}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            variant="contained"
            color={color ?? 'primary'}
            disabled={submitting || props.confirmDisabled}
          >
            {submitting ? props.submittingLabel ?? confirmLabel : confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
