import { useCallback, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
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
        title="Reseed database?"
        confirmLabel="Reseed"
        color="warning"
        onClose={() => setReseeding(undefined)}
        onConfirm={async () => {
          if (!reseeding) return;
          await previewsApi.reseedPreview(reseeding.id);
          setReseeding(undefined);
          onChanged();
        }}
      >
        The database of <strong>{reseeding?.name}</strong> is dropped and seeded
        again
        {reseeding?.seed?.version ? ` from seed ${reseeding.seed.version}` : ''}
        , then migrated. Data written in the preview is lost.
      </ConfirmActionDialog>
      <ConfirmActionDialog
        open={Boolean(destroyingGroup)}
        title="Destroy group?"
        confirmLabel="Destroy group"
        color="error"
        onClose={() => setDestroyingGroup(undefined)}
        onConfirm={async () => {
          if (!destroyingGroup?.group) return;
          await previewsApi.destroyGroup(destroyingGroup.group);
          setDestroyingGroup(undefined);
          onChanged();
        }}
      >
        Every preview of branch <strong>{destroyingGroup?.group}</strong> that
        is wired to the others, in all components, is destroyed with everything
        running in it. This cannot be undone.
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
