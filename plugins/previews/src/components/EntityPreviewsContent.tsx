import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import AddIcon from '@mui/icons-material/Add';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { DEFAULT_POLL_INTERVAL_MS, usePreviews } from '../hooks/usePreviews';
import { CreatePreviewDialog } from './CreatePreviewDialog';
import { DestroyPreviewDialog } from './DestroyPreviewDialog';
import { PreviewsEmptyState } from './PreviewsEmptyState';
import { PreviewsTable } from './PreviewsTable';
import { errorMessage } from './format';

/**
 * Props of {@link EntityPreviewsContent}.
 *
 * @public
 */
export interface EntityPreviewsContentProps {
  /** How often to refresh while a preview is changing state; 2 s by default. */
  pollIntervalMs?: number;
}

/** Re-renders every `intervalMs` so that relative times stay current. */
function useNow(intervalMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * The Previews tab of a catalog entity: its preview environments, with
 * actions to create and destroy them.
 *
 * @public
 */
export function EntityPreviewsContent(props: EntityPreviewsContentProps) {
  const { pollIntervalMs = DEFAULT_POLL_INTERVAL_MS } = props;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { previews, loading, error, refresh } = usePreviews(
    entityRef,
    pollIntervalMs,
  );
  const tick = useNow(30_000);
  const [creating, setCreating] = useState(false);
  const [destroying, setDestroying] = useState<Preview | undefined>();

  // Times are relative to the last render caused by data or by the clock.
  const now = new Date(Math.max(tick.getTime(), Date.now()));

  let content: JSX.Element;
  if (loading && !previews) {
    content = <Progress />;
  } else if (error && !previews) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!previews || previews.length === 0) {
    content = <PreviewsEmptyState />;
  } else {
    content = (
      <PreviewsTable previews={previews} now={now} onDestroy={setDestroying} />
    );
  }

  return (
    <>
      <InfoCard
        title="Previews"
        subheader="Preview environments of this component, one per branch"
        action={
          <Box sx={{ pt: 1, pr: 1 }}>
            <Button
              variant="contained"
              startIcon={<AddIcon />}
              onClick={() => setCreating(true)}
            >
              Create preview
            </Button>
          </Box>
        }
      >
        {error && previews && (
          <Alert severity="warning" sx={{ mb: 2 }}>
            Could not refresh the previews: {errorMessage(error)}
          </Alert>
        )}
        <div data-testid="previews-content">{content}</div>
      </InfoCard>
      <CreatePreviewDialog
        open={creating}
        entityRef={entityRef}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          refresh();
        }}
      />
      <DestroyPreviewDialog
        preview={destroying}
        onClose={() => setDestroying(undefined)}
        onDestroyed={() => {
          setDestroying(undefined);
          refresh();
        }}
      />
    </>
  );
}
