import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { previewsTranslationRef } from '../../translation';
import { PreviewRow } from './PreviewRow';
import { actionsCellSx } from './actionsCellSx';
import { PreviewsTableProps } from './types';

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
    kubernetesTabUrl,
    ...handlers
  } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const selectable = Boolean(selection);
  // The database column only when some preview has a database.
  const showDatabase = previews.some(p => p.seed && p.seed.phase !== 'none');
  const columns =
    6 + (showComponent ? 1 : 0) + (showDatabase ? 1 : 0) + (selectable ? 1 : 0);
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
    <TableContainer data-testid="previews-table">
      <Table
        size="small"
        aria-label={t('previewsTable.label')}
        sx={{ '& th': { whiteSpace: 'nowrap' } }}
      >
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox">
              <Box component="span" sx={visuallyHidden}>
                {t('previewsTable.columns.details')}
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
                  inputProps={{ 'aria-label': t('previewsTable.selectAll') }}
                />
              </TableCell>
            )}
            <TableCell>{t('previewsTable.columns.branch')}</TableCell>
            {showComponent && (
              <TableCell>{t('previewsTable.columns.component')}</TableCell>
            )}
            <TableCell>{t('previewsTable.columns.status')}</TableCell>
            <TableCell>{t('previewsTable.columns.url')}</TableCell>
            {showDatabase && (
              <TableCell>{t('previewsTable.columns.database')}</TableCell>
            )}
            <TableCell>{t('previewsTable.columns.expiry')}</TableCell>
            <TableCell align="right" sx={actionsCellSx}>
              {t('previewsTable.columns.actions')}
            </TableCell>
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
              kubernetesTabUrl={kubernetesTabUrl}
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
