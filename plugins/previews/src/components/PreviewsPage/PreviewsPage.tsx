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
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../../api';
import { previewsTranslationRef } from '../../translation';
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
  const { t } = useTranslationRef(previewsTranslationRef);
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
        <Header title={t('page.title')} subtitle={t('page.subtitle')} />
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
            {t('page.totalsFailed', { error: summaryError })}
          </Alert>
        )}
        <Grid container spacing={2}>
          <Grid item xs={12}>
            <InfoCard title={t('page.allPreviews')}>
              <Stack
                direction="row"
                spacing={2}
                flexWrap="wrap"
                useFlexGap
                alignItems="center"
                sx={{ mb: 2 }}
              >
                <FilterSelect
                  name="owner"
                  label={t('page.owner')}
                  value={filters.owner}
                  options={ownerOptions}
                  onChange={owner => setFilters(f => ({ ...f, owner }))}
                />
                <FilterSelect
                  name="component"
                  label={t('page.component')}
                  value={filters.component}
                  options={refs.map(r => ({ value: r, label: shortRef(r) }))}
                  onChange={component => setFilters(f => ({ ...f, component }))}
                />
                <FilterSelect
                  name="status"
                  label={t('page.status')}
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
                  label={t('page.expiringSoon')}
                />
                <Box sx={{ flexGrow: 1 }} />
                {admin.allowed && (
                  <Tooltip
                    title={selectedShown.size ? '' : t('page.selectToDestroy')}
                  >
                    <span>
                      <Button
                        color="error"
                        variant="outlined"
                        disabled={selectedShown.size === 0}
                        onClick={() => setConfirmBulk(true)}
                      >
                        {t('page.destroySelected', {
                          selected: String(selectedShown.size),
                        })}
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
                      ? t('page.noMatches')
                      : t('page.noLivePreviews')}
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
        title={t('page.bulkDestroyTitle', { count: selectedShown.size })}
        confirmLabel={t('page.bulkDestroyConfirm', {
          count: selectedShown.size,
        })}
        color="error"
        onClose={() => setConfirmBulk(false)}
        onConfirm={async () => {
          await previewsApi.bulkDestroyPreviews([...selectedShown]);
          setConfirmBulk(false);
          setSelected(new Set());
          refresh();
        }}
      >
        {t('page.bulkDestroyBody', {
          names: shown
            .filter(p => selectedShown.has(p.id))
            .map(p => p.name)
            .join(', '),
        })}
      </ConfirmActionDialog>
    </Page>
  );
}
