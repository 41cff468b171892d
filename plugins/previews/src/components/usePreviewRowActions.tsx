import { useCallback, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef } from '../translation';
import { ConfirmActionDialog } from './ConfirmActionDialog';
import { DestroyPreviewDialog } from './DestroyPreviewDialog';
import { ExtendPreviewDialog } from './ExtendPreviewDialog';
import { PreviewRowHandlers } from './PreviewsTable';

/**
 * The row actions of a previews table with their dialogs and the alert that
 * shows the last failed action, shared by the Previews tab and the org page.
 */
export function usePreviewRowActions(refresh: () => Promise<void> | void) {
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const [extending, setExtending] = useState<Preview | undefined>();
  const [reseeding, setReseeding] = useState<Preview | undefined>();
  const [destroying, setDestroying] = useState<Preview | undefined>();
  const [destroyingGroup, setDestroyingGroup] = useState<Preview | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();

  const onChanged = useCallback(() => {
    setActionError(undefined);
    refresh();
  }, [refresh]);

  const handlers: PreviewRowHandlers = useMemo(
    () => ({
      onExtend: setExtending,
      onReseed: setReseeding,
      onDestroy: setDestroying,
      onDestroyGroup: setDestroyingGroup,
      onChanged,
      onError: setActionError,
    }),
    [onChanged],
  );

  const alert = actionError ? (
    <Alert
      severity="error"
      sx={{ mb: 2 }}
      onClose={() => setActionError(undefined)}
      data-testid="preview-action-error"
    >
      {actionError}
    </Alert>
  ) : null;

  const dialogs = (
    <>
      <ExtendPreviewDialog
        preview={extending}
        onClose={() => setExtending(undefined)}
        onExtended={() => {
          setExtending(undefined);
          onChanged();
        }}
      />
      <ConfirmActionDialog
        open={Boolean(reseeding)}
        title={t('reseedDialog.title')}
        confirmLabel={t('reseedDialog.confirm')}
        color="warning"
        onClose={() => setReseeding(undefined)}
        onConfirm={async () => {
          if (!reseeding) return;
          await previewsApi.reseedPreview(reseeding.id);
          setReseeding(undefined);
          onChanged();
        }}
      >
        {reseeding?.seed?.version
          ? t('reseedDialog.bodyWithVersion', {
              name: <strong>{reseeding.name}</strong>,
              version: reseeding.seed.version,
            })
          : t('reseedDialog.body', {
              name: <strong>{reseeding?.name}</strong>,
            })}
      </ConfirmActionDialog>
      <ConfirmActionDialog
        open={Boolean(destroyingGroup)}
        title={t('destroyGroupDialog.title')}
        confirmLabel={t('destroyGroupDialog.confirm')}
        color="error"
        onClose={() => setDestroyingGroup(undefined)}
        onConfirm={async () => {
          if (!destroyingGroup?.group) return;
          await previewsApi.destroyGroup(destroyingGroup.group);
          setDestroyingGroup(undefined);
          onChanged();
        }}
      >
        {t('destroyGroupDialog.body', {
          group: <strong>{destroyingGroup?.group}</strong>,
        })}
      </ConfirmActionDialog>
      <DestroyPreviewDialog
        preview={destroying}
        onClose={() => setDestroying(undefined)}
        onDestroyed={() => {
          setDestroying(undefined);
          onChanged();
        }}
      />
    </>
  );

  return { handlers, alert, dialogs };
}
