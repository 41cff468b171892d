import { useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { Content, Header, InfoCard, Page } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../../api';
import {
  DEFAULT_IDLE_POLL_INTERVAL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  usePreviews,
} from '../../hooks/usePreviews';
import { usePreviewsAdmin } from '../../hooks/usePreviewPermissions';
import { ConfirmActionDialog } from '../ConfirmActionDialog';
import { PreviewsTable } from '../PreviewsTable';
import { useNow } from '../EntityPreviewsContent';
import { shortRef } from '../format';
import { PreviewsListState } from '../PreviewsListState';
import { usePreviewRowActions } from '../usePreviewRowActions';
import { useComponentOwners } from '../useComponentOwners';
import { useSummary } from '../../hooks/useSummary';
import { ALL, FilterSelect, Filters, filterPreviews } from './filters';
import { PreviewsTotals } from './PreviewsTotals';

/**
 * Props of {@link PreviewsPage}.
 *
 * @public
 */
export interface PreviewsPageProps {
  /** Leave out the page header (the new frontend system shows its own). */
  hideHeader?: boolean;
  pollIntervalMs?: number;
  idlePollIntervalMs?: number;
}

/** `1 preview`, `2 previews`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The org-wide page: every live preview with filters, totals and cost per
 * owner, and bulk destroy for admins.
 *
 * @public
 */
export function PreviewsPage(props: PreviewsPageProps) {
  const {
    hideHeader = false,
    pollIntervalMs = DEFAULT_POLL_INTERVAL_MS,
    idlePollIntervalMs = DEFAULT_IDLE_POLL_INTERVAL_MS,
  } = props;
  const previewsApi = useApi(previewsApiRef);
  const { previews, loading, error, refresh } = usePreviews(
    undefined,
    pollIntervalMs,
    idlePollIntervalMs,
  );
  const admin = usePreviewsAdmin();
  const now = useNow(30_000);
  const { handlers, alert, dialogs } = usePreviewRowActions(refresh);
  const [filters, setFilters] = useState<Filters>({
    owner: ALL,
    component: ALL,
    status: ALL,
    expiringSoon: false,
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmBulk, setConfirmBulk] = useState(false);

  // The summary follows the list: reload it when the list changed.
  const version = useMemo(
    () =>
      (previews ?? []).map(p => `${p.id}:${p.status}:${p.updatedAt}`).join(','),
    [previews],
  );
  const { summary, error: summaryError } = useSummary(version);

  const refs = useMemo(
    () => [...new Set((previews ?? []).map(p => p.entityRef))].sort(),
    [previews],
  );
  const owners = useComponentOwners(refs);
  const ownerOptions = [
    ...new Set(Object.values(owners).filter((o): o is string => Boolean(o))),
  ]
    .sort()
    .map(o => ({ value: o, label: shortRef(o) }));
  for (const row of summary?.byOwner ?? []) {
    if (!ownerOptions.some(o => o.value === row.ref)) {
      ownerOptions.push({ value: row.ref, label: shortRef(row.ref) });
    }
  }
  const statuses = [
    ...new Set((previews ?? []).map(p => p.status)),
  ].sort() as PreviewStatus[];
  const shown = filterPreviews(previews ?? [], filters, owners);
  // Selection only of rows still shown.
  const selectedShown = new Set(
    [...selected].filter(id => shown.some(p => p.id === id)),
  );

  const currency = summary?.currency ?? 'USD';
  return (
    <Page themeId="tool">
      {!hideHeader && (
        <Header
          title="Previews"
          subtitle="Every live preview environment of the organisation"
        />
      )}
      <Content>
        <PreviewsTotals
          summary={summary}
          liveCount={previews?.length}
          currency={currency}
        />
        {summaryError && (
          <Alert
            severity="warning"
            sx={{ mb: 2 }}
            data-testid="previews-summary-error"
          >
            Could not load the totals: {summaryError}
          </Alert>
        )}
        <Grid container spacing={2}>
          <Grid item xs={12}>
            <InfoCard title="All previews">
              <Stack
                direction="row"
                spacing={2}
                flexWrap="wrap"
                useFlexGap
                alignItems="center"
                sx={{ mb: 2 }}
              >
                <FilterSelect
                  label="Owner"
                  value={filters.owner}
                  options={ownerOptions}
                  onChange={owner => setFilters(f => ({ ...f, owner }))}
                />
                <FilterSelect
                  label="Component"
                  value={filters.component}
                  options={refs.map(r => ({ value: r, label: shortRef(r) }))}
                  onChange={component => setFilters(f => ({ ...f, component }))}
                />
                <FilterSelect
                  label="Status"
                  value={filters.status}
                  options={statuses.map(s => ({ value: s, label: s }))}
                  onChange={status => setFilters(f => ({ ...f, status }))}
                />
                <FormControlLabel
                  control={
                    <Switch
                      checked={filters.expiringSoon}
                      onChange={e =>
                        setFilters(f => ({
                          ...f,
                          expiringSoon: e.target.checked,
                        }))
                      }
                    />
                  }
                  label="Expiring soon"
                />
                <Box sx={{ flexGrow: 1 }} />
                {admin.allowed && (
                  <Tooltip
                    title={
                      selectedShown.size ? '' : 'Select previews to destroy'
                    }
                  >
                    <span>
                      <Button
                        color="error"
                        variant="outlined"
                        disabled={selectedShown.size === 0}
                        onClick={() => setConfirmBulk(true)}
                      >
                        Destroy selected ({selectedShown.size})
                      </Button>
                    </span>
                  </Tooltip>
                )}
              </Stack>
              <PreviewsListState
                {...{ previews, loading, error, alert }}
                isEmpty={shown.length === 0}
                empty={
                  <Typography
                    variant="body2"
                    color="text.secondary"
                    sx={{ p: 2 }}
                  >
                    {previews?.length
                      ? 'No previews match the filters.'
                      : 'No live previews in the organisation.'}
                  </Typography>
                }
                testId="previews-page-content"
              >
                <PreviewsTable
                  previews={shown}
                  now={now}
                  showComponent
                  selection={
                    admin.allowed
                      ? { selected: selectedShown, onChange: setSelected }
                      : undefined
                  }
                  {...handlers}
                />
              </PreviewsListState>
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
      {dialogs}
      <ConfirmActionDialog
        open={confirmBulk}
        title={`Destroy ${plural(selectedShown.size, 'preview')}?`}
        confirmLabel={`Destroy ${plural(selectedShown.size, 'preview')}`}
        color="error"
        onClose={() => setConfirmBulk(false)}
        onConfirm={async () => {
          await previewsApi.bulkDestroyPreviews([...selectedShown]);
          setConfirmBulk(false);
          setSelected(new Set());
          refresh();
        }}
      >
        These previews and everything running in them will be deleted:{' '}
        {shown
          .filter(p => selectedShown.has(p.id))
          .map(p => p.name)
          .join(', ')}
        . This cannot be undone.
      </ConfirmActionDialog>
    </Page>
  );
}
