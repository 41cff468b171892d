import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router-dom';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { usePreviewPermissions } from '../../hooks/usePreviewPermissions';
import { previewsTranslationRef } from '../../translation';
import { DependencyWiring } from '../DependencyWiring';
import { useState } from 'react';
import { PreviewAccessPanel } from '../PreviewAccessPanel';
import { PreviewRuntimeDialog } from '../PreviewRuntimeDialog';
import { PreviewEventsList } from '../PreviewEventsList';
import { PreviewTestsPanel } from '../PreviewTestsPanel';
import { formatCost } from '../format';

/** The expanded row: dependency wiring, the group, where it runs, and its history. */
export function PreviewDetails(props: {
  preview: Preview;
  id: string;
  rerouteBlocked?: string;
  /** The component's Kubernetes tab, when it has one. */
  kubernetesTabUrl?: string;
  onChanged: (preview: Preview) => void;
  onDestroyGroup?: (preview: Preview) => void;
}) {
  const { preview, rerouteBlocked } = props;
  const handlers = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const permissions = usePreviewPermissions(preview.entityRef);
  const [runtimeOpen, setRuntimeOpen] = useState(false);
  const [logChoice, setLogChoice] = useState<string | undefined>();
  let where: string = t('details.namespace', { namespace: preview.namespace });
  if (preview.cluster) {
    where += ` ${t('details.onCluster', { cluster: preview.cluster })}`;
  }
  const facts = [
    where,
    preview.sha && t('common.commit', { sha: preview.sha.slice(0, 7) }),
    preview.specSource &&
      t('details.specSource', { source: preview.specSource }),
    preview.cost?.remaining !== undefined &&
      t('details.costUntilExpiry', {
        cost: formatCost(preview.cost.remaining, preview.cost.currency),
      }),
  ].filter(Boolean);
  // Zero width with a full minimum: long lines here wrap instead of widening the table.
  return (
    <Box
      id={props.id}
      sx={{ py: 2, width: 0, minWidth: '100%', whiteSpace: 'normal' }}
      data-testid="preview-details"
    >
      <Grid container spacing={3}>
        <Grid item xs={12} lg={7} sx={{ minWidth: 0 }}>
          <Typography variant="subtitle2" gutterBottom>
            {t('details.dependencies')}
          </Typography>
          <DependencyWiring
            preview={preview}
            disabledReason={rerouteBlocked}
            onRerouted={handlers.onChanged}
          />
          {preview.group && handlers.onDestroyGroup && (
            <Stack
              direction="row"
              spacing={1}
              alignItems="center"
              sx={{ mt: 2 }}
            >
              <Typography variant="body2" data-testid="preview-group">
                {t('details.group', {
                  group: <strong>{preview.group}</strong>,
                })}
              </Typography>
              <Button
                size="small"
                color="error"
                variant="outlined"
                disabled={!permissions.delete}
                title={
                  permissions.delete ? undefined : t('permissions.deleteDenied')
                }
                onClick={() => handlers.onDestroyGroup?.(preview)}
              >
                {t('details.destroyGroup')}
              </Button>
            </Stack>
          )}
          <Typography
            variant="caption"
            color="text.secondary"
            display="block"
            sx={{ mt: 2 }}
          >
            {facts.join(' · ')}
          </Typography>
          <Button
            size="small"
            sx={{ mt: 1 }}
            onClick={() => {
              setLogChoice(undefined);
              setRuntimeOpen(true);
            }}
          >
            {t('details.logsAndEvents')}
          </Button>
          {props.kubernetesTabUrl && (
            <Button
              size="small"
              sx={{ mt: 1 }}
              component={RouterLink}
              to={props.kubernetesTabUrl}
              title={t('details.kubernetesTabTitle', {
                namespace: preview.namespace,
              })}
            >
              {t('details.kubernetesTab', { namespace: preview.namespace })}
            </Button>
          )}
          <PreviewRuntimeDialog
            preview={preview}
            open={runtimeOpen}
            canUpdate={permissions.update}
            initialChoice={logChoice}
            onClose={() => setRuntimeOpen(false)}
          />
          {preview.tests && (
            <>
              <Typography variant="subtitle2" gutterBottom sx={{ mt: 2 }}>
                {t('details.smokeTests')}
              </Typography>
              <PreviewTestsPanel
                preview={preview}
                canUpdate={permissions.update}
                onChanged={handlers.onChanged}
                onShowLog={choice => {
                  setLogChoice(choice);
                  setRuntimeOpen(true);
                }}
              />
            </>
          )}
        </Grid>
        <Grid item xs={12} lg={5} sx={{ minWidth: 0 }}>
          {preview.url && (
            <>
              <Typography variant="subtitle2" gutterBottom>
                {t('details.access')}
              </Typography>
              <PreviewAccessPanel
                preview={preview}
                canUpdate={permissions.update}
              />
            </>
          )}
          <Typography
            variant="subtitle2"
            gutterBottom
            sx={preview.url ? { mt: 2 } : undefined}
          >
            {t('details.history')}
          </Typography>
          <PreviewEventsList
            previewId={preview.id}
            version={preview.updatedAt}
          />
        </Grid>
      </Grid>
    </Box>
  );
}
