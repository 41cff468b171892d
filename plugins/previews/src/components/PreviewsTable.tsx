import { Fragment, memo, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import Grid from '@mui/material/Grid';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import KeyboardArrowDownIcon from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@mui/icons-material/KeyboardArrowUp';
import { Link } from '@backstage/core-components';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { usePreviewPermissions } from '../hooks/usePreviewPermissions';
import { CopyButton } from './CopyButton';
import { DependencyWiring } from './DependencyWiring';
import { PreviewActions } from './PreviewActions';
import { PreviewEventsList } from './PreviewEventsList';
import { PreviewStatusChip } from './PreviewStatusChip';
import { SeedStatusChip } from './SeedStatusChip';
import {
  formatAgeShort,
  formatCost,
  formatDateTime,
  formatExpiry,
  shortRef,
} from './format';

/** Callbacks of the row actions. */
export interface PreviewRowHandlers {
  onExtend: (preview: Preview) => void;
  onReseed: (preview: Preview) => void;
  onDestroy: (preview: Preview) => void;
  /** Destroy every preview of the preview's group (asks first). */
  onDestroyGroup?: (preview: Preview) => void;
  /** A preview changed through an action (reload). */
  onChanged: (preview: Preview) => void;
  onError: (message: string) => void;
}

/** Props of {@link PreviewsTable}. */
export interface PreviewsTableProps extends PreviewRowHandlers {
  previews: Preview[];
  /** The current time, for ages and expiry countdowns. */
  now: Date;
  /** Adds a component column (the org-wide page). */
  showComponent?: boolean;
  /** Adds a checkbox per row (bulk actions). */
  selection?: {
    selected: ReadonlySet<string>;
    onChange: (selected: Set<string>) => void;
  };
}

const EXPIRING_SOON_MS = 2 * 3_600_000;

const visuallyHidden = {
  border: 0,
  clip: 'rect(0 0 0 0)',
  height: 1,
  margin: -1,
  overflow: 'hidden',
  padding: 0,
  position: 'absolute' as const,
  width: 1,
  whiteSpace: 'nowrap' as const,
};

/** Colour of the status message under the chip. */
const MESSAGE_COLORS: Partial<Record<Preview['status'], string>> = {
  failed: 'error',
  degraded: 'warning.main',
};

interface PreviewRowProps extends PreviewRowHandlers {
  preview: Preview;
  now: Date;
  showComponent: boolean;
  showDatabase: boolean;
  selectable: boolean;
  selected: boolean;
  onSelect: (id: string, selected: boolean) => void;
  columns: number;
}

/** The workload facts under the status chip: why, pods, latest warning. */
function StatusCell({ preview }: { preview: Preview }) {
  const explain =
    preview.statusMessage &&
    (preview.status === 'failed' ||
      preview.status === 'degraded' ||
      preview.status === 'destroying' ||
      preview.status === 'provisioning' ||
      preview.status === 'waiting-for-build');
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      <PreviewStatusChip preview={preview} />
      {explain && (
        <Typography
          variant="caption"
          color={MESSAGE_COLORS[preview.status] ?? 'text.secondary'}
          data-testid="preview-status-message"
        >
          {preview.statusMessage}
        </Typography>
      )}
      {preview.details && preview.status !== 'destroying' && (
        <Typography
          variant="caption"
          color="text.secondary"
          sx={{ whiteSpace: 'nowrap' }}
          data-testid="preview-pods"
        >
          {preview.details.podsReady}/{preview.details.podsTotal} pods ready
          {preview.details.restarts
            ? `, ${preview.details.restarts} restarts`
            : ''}
        </Typography>
      )}
      {/* A ready preview's warnings are past trouble (e.g. a retried pod
          creation at startup): shown only while something is wrong or changing. */}
      {preview.details?.warnings?.length &&
      preview.status !== 'ready' &&
      preview.status !== 'sleeping' ? (
        <Tooltip
          title={preview.details.warnings
            .map(w => `${w.reason} (${w.object}): ${w.message}`)
            .join('\n')}
        >
          <Typography
            variant="caption"
            color="warning.main"
            data-testid="preview-warning"
          >
            {preview.details.warnings[0].reason}:{' '}
            {preview.details.warnings[0].message}
          </Typography>
        </Tooltip>
      ) : null}
    </Stack>
  );
}

function ExpiryCell({ preview, now }: { preview: Preview; now: Date }) {
  const text = formatExpiry(preview, now);
  const soon =
    !preview.keep &&
    preview.expiresAt !== undefined &&
    Date.parse(preview.expiresAt) - now.getTime() < EXPIRING_SOON_MS;
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      {preview.keep && (
        <Chip
          size="small"
          color="primary"
          variant="outlined"
          label="kept"
          data-testid="preview-kept"
        />
      )}
      <Typography
        variant="body2"
        color={soon ? 'warning.main' : 'text.primary'}
        data-testid="preview-expiry"
        title={
          preview.expiresAt ? formatDateTime(preview.expiresAt) : undefined
        }
      >
        {preview.keep ? text.replace(/^kept,? ?/, '') : text || '–'}
      </Typography>
    </Stack>
  );
}

/** One preview: its row, and below it the expandable dependency picture and history. */
const PreviewRow = memo(function PreviewRowContent(props: PreviewRowProps) {
  const {
    preview,
    now,
    showComponent,
    showDatabase,
    selectable,
    selected,
    onSelect,
    columns,
    ...handlers
  } = props;
  const [open, setOpen] = useState(false);
  const permissions = usePreviewPermissions(preview.entityRef);
  const dependencyCount = preview.dependencies?.length ?? 0;
  const unresolved =
    preview.dependencies?.filter(d => d.target === 'unresolved').length ?? 0;
  let rerouteBlocked: string | undefined;
  if (!permissions.update) {
    rerouteBlocked = 'You are not allowed to update previews of this component';
  } else if (
    preview.status === 'destroying' ||
    preview.status === 'destroyed'
  ) {
    rerouteBlocked = `The preview is ${preview.status}`;
  }
  const detailsId = `preview-details-${preview.id}`;

  return (
    <Fragment>
      <TableRow
        data-testid={`preview-row-${preview.branch}`}
        hover
        sx={{ '& > td': { borderBottom: open ? 'unset' : undefined } }}
      >
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={
              open
                ? `Hide details of ${preview.name}`
                : `Show details of ${preview.name}`
            }
            aria-expanded={open}
            aria-controls={detailsId}
            data-testid="preview-expand"
            onClick={() => setOpen(o => !o)}
          >
            {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
        {selectable && (
          <TableCell padding="checkbox">
            <Checkbox
              size="small"
              checked={selected}
              onChange={e => onSelect(preview.id, e.target.checked)}
              inputProps={{ 'aria-label': `Select ${preview.name}` }}
            />
          </TableCell>
        )}
        <TableCell
          sx={{
            minWidth: showComponent ? 150 : 180,
            maxWidth: showComponent ? 220 : 280,
            overflowWrap: 'anywhere',
          }}
        >
          <Typography variant="body2" fontWeight="medium">
            {preview.branch}
          </Typography>
          {preview.pullRequest && (
            <Typography variant="caption" display="block">
              {preview.pullRequest.url ? (
                <Link
                  to={preview.pullRequest.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="preview-pr"
                >
                  #{preview.pullRequest.number}
                  {preview.pullRequest.title
                    ? ` ${preview.pullRequest.title}`
                    : ''}
                </Link>
              ) : (
                `#${preview.pullRequest.number}${
                  preview.pullRequest.title
                    ? ` ${preview.pullRequest.title}`
                    : ''
                }`
              )}
            </Typography>
          )}
          <Typography variant="caption" color="text.secondary" display="block">
            {preview.name}
          </Typography>
          {dependencyCount > 0 && (
            <Typography
              variant="caption"
              color={unresolved ? 'warning.main' : 'text.secondary'}
              display="block"
              data-testid="preview-dependency-summary"
            >
              {preview
                .dependencies!.map(
                  d => `→ ${shortRef(d.entityRef)} (${d.target})`,
                )
                .join(', ')}
            </Typography>
          )}
        </TableCell>
        {showComponent && (
          <TableCell
            data-testid="preview-component"
            sx={{ whiteSpace: 'nowrap' }}
          >
            {shortRef(preview.entityRef)}
          </TableCell>
        )}
        <TableCell>
          <StatusCell preview={preview} />
        </TableCell>
        <TableCell>
          {preview.url ? (
            <Stack direction="row" alignItems="center" spacing={0.5}>
              <Box
                component="span"
                title={preview.url}
                sx={{
                  maxWidth: showComponent ? 150 : 200,
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  whiteSpace: 'nowrap',
                  display: 'inline-block',
                }}
              >
                <Link
                  to={preview.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="preview-url"
                >
                  {preview.url.replace(/^https?:\/\//, '')}
                </Link>
              </Box>
              <CopyButton
                text={preview.url}
                label={`Copy the URL of ${preview.name}`}
              />
            </Stack>
          ) : (
            <Typography variant="body2" color="text.secondary">
              –
            </Typography>
          )}
        </TableCell>
        {showDatabase && (
          <TableCell>
            <SeedStatusChip seed={preview.seed} previewName={preview.name} />
          </TableCell>
        )}
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <ExpiryCell preview={preview} now={now} />
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <Typography variant="body2" data-testid="preview-engine">
            {preview.engineTitle ?? preview.engine}
          </Typography>
          {preview.links?.map(link => (
            <Typography variant="caption" display="block" key={link.url}>
              <Link
                to={link.url}
                target="_blank"
                rel="noopener noreferrer"
                data-testid="preview-link"
              >
                {link.title}
              </Link>
            </Typography>
          ))}
          {preview.cost && (
            <Typography
              variant="caption"
              color="text.secondary"
              display="block"
              data-testid="preview-cost"
            >
              {formatCost(preview.cost.perHour, preview.cost.currency, '/h')}
            </Typography>
          )}
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <Typography variant="body2" data-testid="preview-age">
            <time
              dateTime={preview.createdAt}
              title={formatDateTime(preview.createdAt)}
            >
              {formatAgeShort(preview.createdAt, now)}
            </time>
          </Typography>
          {preview.createdBy && (
            <Typography
              variant="caption"
              color="text.secondary"
              display="block"
              data-testid="preview-created-by"
              sx={
                showComponent
                  ? {
                      whiteSpace: 'normal',
                      maxWidth: 130,
                      overflowWrap: 'anywhere',
                    }
                  : undefined
              }
            >
              by {shortRef(preview.createdBy)}
            </Typography>
          )}
        </TableCell>
        <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
          <PreviewActions
            preview={preview}
            now={now}
            compact={showComponent}
            {...handlers}
          />
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell sx={{ py: 0 }} colSpan={columns}>
          <Collapse in={open} timeout="auto" unmountOnExit>
            {/* Zero width with a full minimum: long lines here wrap instead of widening the table. */}
            <Box
              id={detailsId}
              sx={{ py: 2, width: 0, minWidth: '100%', whiteSpace: 'normal' }}
              data-testid="preview-details"
            >
              <Grid container spacing={3}>
                <Grid item xs={12} lg={7} sx={{ minWidth: 0 }}>
                  <Typography variant="subtitle2" gutterBottom>
                    Dependencies
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
                        Group <strong>{preview.group}</strong>: the previews of
                        this branch wired to each other
                      </Typography>
                      <Button
                        size="small"
                        color="error"
                        variant="outlined"
                        disabled={!permissions.delete}
                        title={
                          permissions.delete
                            ? undefined
                            : 'You are not allowed to delete previews of this component'
                        }
                        onClick={() => handlers.onDestroyGroup?.(preview)}
                      >
                        Destroy group
                      </Button>
                    </Stack>
                  )}
                  <Typography
                    variant="caption"
                    color="text.secondary"
                    display="block"
                    sx={{ mt: 2 }}
                  >
                    Namespace {preview.namespace}
                    {preview.cluster ? ` on ${preview.cluster}` : ''}
                    {preview.sha ? ` · commit ${preview.sha.slice(0, 7)}` : ''}
                    {preview.specSource
                      ? ` · spec from ${preview.specSource}`
                      : ''}
                    {preview.cost?.remaining !== undefined
                      ? ` · ${formatCost(
                          preview.cost.remaining,
                          preview.cost.currency,
                        )} until expiry`
                      : ''}
                  </Typography>
                </Grid>
                <Grid item xs={12} lg={5} sx={{ minWidth: 0 }}>
                  <Typography variant="subtitle2" gutterBottom>
                    History
                  </Typography>
                  <PreviewEventsList
                    previewId={preview.id}
                    version={preview.updatedAt}
                  />
                </Grid>
              </Grid>
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
});

/**
 * Previews, one row each, with their status, URL, database, expiry, engine,
 * cost and actions; a row expands to its dependency wiring and history.
 * Rows are keyed by preview id, so a refresh updates them in place.
 */
export function PreviewsTable(props: PreviewsTableProps) {
  const {
    previews,
    now,
    showComponent = false,
    selection,
    ...handlers
  } = props;
  const selectable = Boolean(selection);
  // The database column only when some preview has a database.
  const showDatabase = previews.some(p => p.seed && p.seed.phase !== 'none');
  const columns =
    8 + (showComponent ? 1 : 0) + (showDatabase ? 1 : 0) + (selectable ? 1 : 0);
  const allSelected =
    selection !== undefined &&
    previews.length > 0 &&
    previews.every(p => selection.selected.has(p.id));
  const onSelect = (id: string, checked: boolean) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (checked) next.add(id);
    else next.delete(id);
    selection.onChange(next);
  };
  return (
    <TableContainer>
      <Table
        size="small"
        aria-label="Previews"
        sx={{ '& th': { whiteSpace: 'nowrap' } }}
      >
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox">
              <Box component="span" sx={visuallyHidden}>
                Details
              </Box>
            </TableCell>
            {selection && (
              <TableCell padding="checkbox">
                <Checkbox
                  size="small"
                  checked={allSelected}
                  indeterminate={!allSelected && selection.selected.size > 0}
                  onChange={e =>
                    selection.onChange(
                      new Set(e.target.checked ? previews.map(p => p.id) : []),
                    )
                  }
                  inputProps={{ 'aria-label': 'Select all previews' }}
                />
              </TableCell>
            )}
            <TableCell>Branch</TableCell>
            {showComponent && <TableCell>Component</TableCell>}
            <TableCell>Status</TableCell>
            <TableCell>URL</TableCell>
            {showDatabase && <TableCell>Database</TableCell>}
            <TableCell>Expiry</TableCell>
            <TableCell>Engine</TableCell>
            <TableCell>Created</TableCell>
            <TableCell align="right">Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {previews.map(preview => (
            <PreviewRow
              key={preview.id}
              preview={preview}
              now={now}
              showComponent={showComponent}
              showDatabase={showDatabase}
              selectable={selectable}
              selected={selection?.selected.has(preview.id) ?? false}
              onSelect={onSelect}
              columns={columns}
              {...handlers}
            />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
