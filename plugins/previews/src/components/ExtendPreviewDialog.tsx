import { useEffect, useState } from 'react';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef } from '../translation';
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
  const { t } = useTranslationRef(previewsTranslationRef);
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
  let expiry = shown ? formatExpiry(t, shown) : '';
  if (shown?.expiresAt) {
    expiry = t('extendDialog.expiryAt', {
      expiry,
      date: formatDateTime(shown.expiresAt),
    });
  }

  return (
    <ConfirmActionDialog
      id="extend-preview-dialog"
      open={Boolean(preview)}
      title={t('extendDialog.title')}
      confirmLabel={t('extendDialog.confirm')}
      submittingLabel={t('extendDialog.submitting')}
      confirmDisabled={!preview || invalid}
      errorTestId="extend-preview-error"
      onClose={onClose}
      onConfirm={async () => {
        onExtended(await previewsApi.extendPreview(preview!.id, value));
      }}
      fields={submitting => (
        <TextField
          type="number"
          label={t('extendDialog.hoursLabel')}
          id="extend-preview-hours"
          value={hours}
          onChange={e => setHours(e.target.value)}
          inputProps={{ min: 1, max, step: 1 }}
          error={invalid}
          helperText={
            max !== undefined
              ? t('extendDialog.hoursRange', { max: String(max) })
              : t('extendDialog.hoursHelp')
          }
          fullWidth
          sx={{ mt: 2 }}
          disabled={submitting}
        />
      )}
    >
      <strong>{shown?.name}</strong> {expiry}.
      {shown?.maxExpiresAt
        ? ` ${t('extendDialog.maxLifetime', {
            date: formatDateTime(shown.maxExpiresAt),
          })}`
        : ''}
    </ConfirmActionDialog>
  );
}
