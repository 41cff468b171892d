import { useEffect, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Preview,
  PreviewsSummary,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import {
  DEFAULT_IDLE_POLL_INTERVAL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  usePreviews,
} from '../hooks/usePreviews';
import { usePreviewsAdmin } from '../hooks/usePreviewPermissions';
import { ConfirmActionDialog } from './ConfirmActionDialog';
import { PreviewsTable } from './PreviewsTable';
import { useNow } from './EntityPreviewsContent';
import { errorMessage, formatCost, shortRef } from './format';
import { usePreviewRowActions } from './usePreviewRowActions';
import { useComponentOwners } from './useComponentOwners';

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

/** "Expiring soon" on this page: within a day. */
const ALL = '';

/** The filters of the page; empty strings mean "any". */
interface Filters {
  owner: string;
  component: string;
  status: string;
  expiringSoon: boolean;
}

/** Keeps the previews that pass the filters (owners from the catalog). */
export function filterPreviews(
  previews: Preview[],
  filters: Filters,
  owners: Record<string, string | undefined>,
): Preview[] {
  return previews.filter(
    p =>
      (!filters.owner || owners[p.entityRef] === filters.owner) &&
      (!filters.component || p.entityRef === filters.component) &&
      (!filters.status || p.status === filters.status) &&
      (!filters.expiringSoon || p.expiringSoon === true),
  );
}

function FilterSelect(props: {
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  const id = `previews-filter-${props.label.toLowerCase()}`;
  return (
    <FormControl size="small" sx={{ minWidth: 180 }}>
      <InputLabel id={`${id}-label`}>{props.label}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        label={props.label}
        value={props.value}
        onChange={e => props.onChange(String(e.target.value))}
      >
        <MenuItem value={ALL}>Any</MenuItem>
        {props.options.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

function SummaryTile(props: { label: string; value: string; testId: string }) {
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="body2" color="text.secondary">
          {props.label}
        </Typography>
        <Typography variant="h5" component="p" data-testid={props.testId}>
          {props.value}
        </Typography>
      </CardContent>
    </Card>
  );
}

function useSummary(version: string) {
  const previewsApi = useApi(previewsApiRef);
  const [summary, setSummary] = useState<PreviewsSummary | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    previewsApi
      .getSummary()
      .then(s => {
        if (current) {
          setSummary(s);
          setError(undefined);
        }
      })
      .catch(e => current && setError(errorMessage(e)));
    return () => {
      current = false;
    };
  }, [previewsApi, version]);
  return { summary, error };
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

  let content: JSX.Element;
  if (loading && !previews) {
    content = <Progress />;
  } else if (error && !previews) {
    content = <ResponseErrorPanel error={error} />;
  } else if (shown.length === 0) {
    content = (
      <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
        {previews?.length
          ? 'No previews match the filters.'
          : 'No live previews in the organisation.'}
      </Typography>
    );
  } else {
    content = (
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
    );
  }

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
        <Grid container spacing={2} sx={{ mb: 2 }} alignItems="stretch">
          <Grid item xs={12} sm={4} md={2}>
            <SummaryTile
              label="Live previews"
              value={String(summary?.total.live ?? previews?.length ?? '–')}
              testId="previews-total-live"
            />
          </Grid>
          <Grid item xs={12} sm={4} md={2}>
            <SummaryTile
              label="Cost per hour"
              value={
                summary
                  ? formatCost(summary.total.costPerHour, currency, '/h')
                  : '–'
              }
              testId="previews-total-cost"
            />
          </Grid>
          <Grid item xs={12} sm={4} md={2}>
            <SummaryTile
              label="Expiring soon"
              value={String(summary?.total.expiringSoon ?? '–')}
              testId="previews-total-expiring"
            />
          </Grid>
          <Grid item xs={12} md={6}>
            <Card variant="outlined">
              <CardContent>
                <Typography variant="body2" color="text.secondary">
                  Cost per owner
                </Typography>
                {summary?.byOwner.length ? (
                  <Table size="small" aria-label="Cost per owner">
                    <TableHead>
                      <TableRow>
                        <TableCell>Owner</TableCell>
                        <TableCell align="right">Live</TableCell>
                        <TableCell align="right">Per hour</TableCell>
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {summary.byOwner.map(row => (
                        <TableRow
                          key={row.ref}
                          data-testid={`previews-owner-${shortRef(row.ref)}`}
                        >
                          <TableCell>{shortRef(row.ref)}</TableCell>
                          <TableCell align="right">{row.live}</TableCell>
                          <TableCell align="right">
                            {formatCost(row.costPerHour, currency)}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                ) : (
                  <Typography variant="body2" color="text.secondary">
                    {summary ? 'No live previews.' : 'Loading…'}
                  </Typography>
                )}
              </CardContent>
            </Card>
          </Grid>
        </Grid>
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
              {error && previews && (
                <Alert severity="warning" sx={{ mb: 2 }}>
                  Could not refresh the previews: {errorMessage(error)}
                </Alert>
              )}
              {alert}
              <div data-testid="previews-page-content">{content}</div>
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
