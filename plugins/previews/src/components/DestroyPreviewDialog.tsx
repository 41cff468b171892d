import { useEffect, useState } from 'react';
import TextField from '@mui/material/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef } from '../translation';
import { ConfirmActionDialog } from './ConfirmActionDialog';

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
  const { t } = useTranslationRef(previewsTranslationRef);
  const [typed, setTyped] = useState('');

  // Keep showing the last preview while the dialog animates closed.
  const [shown, setShown] = useState<Preview | undefined>(preview);
  useEffect(() => {
    if (preview) {
      setShown(preview);
      setTyped('');
    }
  }, [preview]);

  return (
    <ConfirmActionDialog
      id="destroy-preview-dialog"
      open={Boolean(preview)}
      title={t('destroyDialog.title')}
      color="error"
      confirmLabel={t('destroyDialog.confirm')}
      submittingLabel={t('destroyDialog.submitting')}
      confirmDisabled={!preview || typed.trim() !== shown?.name}
      errorTestId="destroy-preview-error"
      onClose={onClose}
      onConfirm={async () => {
        onDestroyed(await previewsApi.destroyPreview(preview!.id));
      }}
      fields={submitting => (
        <TextField
          margin="normal"
          fullWidth
          size="small"
          id="destroy-preview-confirm-name"
          label={t('destroyDialog.nameLabel')}
          value={typed}
          onChange={e => setTyped(e.target.value)}
          placeholder={shown?.name}
          inputProps={{
            'data-testid': 'destroy-preview-confirm-name',
            autoComplete: 'off',
            spellCheck: false,
          }}
          disabled={submitting}
        />
      )}
    >
      {t('destroyDialog.body', {
        name: <strong>{shown?.name}</strong>,
        branch: <strong>{shown?.branch}</strong>,
      })}
    </ConfirmActionDialog>
  );
}
