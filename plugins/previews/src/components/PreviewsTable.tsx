import Tooltip from '@mui/material/Tooltip';
import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import Stack from '@mui/material/Stack';
import { Link } from '@backstage/core-components';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { PreviewStatusChip } from './PreviewStatusChip';
import { formatAge, formatDateTime } from './format';

/** Props of {@link PreviewsTable}. */
export interface PreviewsTableProps {
  previews: Preview[];
  /** The current time, for the age column. */
  now: Date;
  onDestroy: (preview: Preview) => void;
}

function canDestroy(preview: Preview): boolean {
  return preview.status !== 'destroying' && preview.status !== 'destroyed';
}

/** The previews of an entity, one row each. */
export function PreviewsTable(props: PreviewsTableProps) {
  const { previews, now, onDestroy } = props;
  return (
    <TableContainer>
      <Table size="small" aria-label="Previews">
        <TableHead>
          <TableRow>
            <TableCell>Branch</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>URL</TableCell>
            <TableCell>Created</TableCell>
            <TableCell>Age</TableCell>
            <TableCell align="right">Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {previews.map(preview => (
            <TableRow
              key={preview.id}
              data-testid={`preview-row-${preview.branch}`}
              hover
            >
              <TableCell>
                <Typography variant="body2" fontWeight="medium">
                  {preview.branch}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {preview.name}
                </Typography>
              </TableCell>
              <TableCell>
                <Stack spacing={0.5} alignItems="flex-start">
                  <PreviewStatusChip preview={preview} />
                  {(preview.status === 'failed' || preview.status === 'degraded' ||
                    (preview.status === 'destroying' && preview.statusMessage)) &&
                    preview.statusMessage && (
                    <Typography
                      variant="caption"
                      color={preview.status === 'failed' ? 'error' : 'warning.main'}
                      data-testid="preview-status-message"
                    >
                      {preview.statusMessage}
                    </Typography>
                  )}
                  {preview.details && preview.status !== 'destroying' && (
                    <Typography variant="caption" color="text.secondary" data-testid="preview-pods">
                      {preview.details.podsReady}/{preview.details.podsTotal} pods ready
                      {preview.details.restarts ? `, ${preview.details.restarts} restarts` : ''}
                    </Typography>
                  )}
                  {preview.details?.warnings?.length ? (
                    <Tooltip
                      title={preview.details.warnings
                        .map(w => `${w.reason} (${w.object}): ${w.message}`)
                        .join('\n')}
                    >
                      <Typography variant="caption" color="warning.main" data-testid="preview-warning">
                        {preview.details.warnings[0].reason}: {preview.details.warnings[0].message}
                      </Typography>
                    </Tooltip>
                  ) : null}
                </Stack>
              </TableCell>
              <TableCell>
                {preview.url ? (
                  <Link
                    to={preview.url}
                    target="_blank"
                    rel="noopener noreferrer"
                    data-testid="preview-url"
                  >
                    {preview.url}
                  </Link>
                ) : (
                  <Typography variant="body2" color="text.secondary">
                    –
                  </Typography>
                )}
                {preview.pullRequest?.url && (
                  <Typography variant="caption" display="block">
                    <Link to={preview.pullRequest.url} target="_blank" rel="noopener noreferrer">
                      PR #{preview.pullRequest.number}
                      {preview.pullRequest.title ? `: ${preview.pullRequest.title}` : ''}
                    </Link>
                  </Typography>
                )}
                {preview.links?.map(link => (
                  <Typography variant="caption" display="block" key={link.url}>
                    <Link to={link.url} target="_blank" rel="noopener noreferrer" data-testid="preview-link">
                      {link.title}
                    </Link>
                  </Typography>
                ))}
              </TableCell>
              <TableCell>
                <time dateTime={preview.createdAt}>
                  {formatDateTime(preview.createdAt)}
                </time>
              </TableCell>
              <TableCell data-testid="preview-age">
                {formatAge(preview.createdAt, now)}
              </TableCell>
              <TableCell align="right">
                <Button
                  size="small"
                  color="error"
                  variant="outlined"
                  onClick={() => onDestroy(preview)}
                  disabled={!canDestroy(preview)}
                  aria-label="Destroy"
                  title={`Destroy preview ${preview.name}`}
                  sx={{ whiteSpace: 'nowrap' }}
                >
                  Destroy
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
