import { Fragment, memo, useState } from 'react';
import Checkbox from '@mui/material/Checkbox';
import Collapse from '@mui/material/Collapse';
import IconButton from '@mui/material/IconButton';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import KeyboardArrowDownIcon from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@mui/icons-material/KeyboardArrowUp';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { usePreviewPermissions } from '../../hooks/usePreviewPermissions';
import { previewsTranslationRef } from '../../translation';
import { PreviewActions } from '../PreviewActions';
import { SeedStatusChip } from '../SeedStatusChip';
import { BranchCell } from './BranchCell';
import { EngineInfo } from './EngineInfo';
import { actionsCellSx } from './actionsCellSx';
import { ExpiryCell } from './ExpiryCell';
import { PreviewDetails } from './PreviewDetails';
import { StatusCell } from './StatusCell';
import { PreviewRowHandlers } from './types';
import { UrlCell } from './UrlCell';

interface PreviewRowProps extends PreviewRowHandlers {
  preview: Preview;
  now: Date;
  showComponent: boolean;
  showDatabase: boolean;
  kubernetesTabUrl?: string;
  selectable: boolean;
  selected: boolean;
  onSelect: (id: string, selected: boolean) => void;
  columns: number;
}

export const PreviewRow = memo(function PreviewRowContent(
  props: PreviewRowProps,
) {
  const {
    preview,
    now,
    showComponent,
    showDatabase,
    kubernetesTabUrl,
    selectable,
    selected,
    onSelect,
    columns,
    ...handlers
  } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const [open, setOpen] = useState(false);
  const permissions = usePreviewPermissions(preview.entityRef);
  let rerouteBlocked: string | undefined;
  if (!permissions.update) {
    rerouteBlocked = t('permissions.updateDenied');
  } else if (
    preview.status === 'destroying' ||
    preview.status === 'destroyed'
  ) {
    rerouteBlocked = t('previewRow.rerouteBlocked', { status: preview.status });
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
                ? t('previewRow.hideDetails', { name: preview.name })
                : t('previewRow.showDetails', { name: preview.name })
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
              inputProps={{
                'aria-label': t('previewRow.select', { name: preview.name }),
              }}
            />
          </TableCell>
        )}
        <BranchCell preview={preview} now={now} showComponent={showComponent} />
        {showComponent && (
          <TableCell
            data-testid="preview-component"
            sx={{ whiteSpace: 'nowrap' }}
          >
            <EntityRefLink
              entityRef={preview.entityRef}
              defaultKind="component"
            />
          </TableCell>
        )}
        <TableCell>
          <StatusCell preview={preview} />
        </TableCell>
        <UrlCell preview={preview} showComponent={showComponent} />
        {showDatabase && (
          <TableCell>
            <SeedStatusChip seed={preview.seed} previewName={preview.name} />
          </TableCell>
        )}
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <ExpiryCell preview={preview} now={now} />
          <EngineInfo preview={preview} />
        </TableCell>
        <TableCell align="right" sx={actionsCellSx}>
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
            <PreviewDetails
              preview={preview}
              id={detailsId}
              rerouteBlocked={rerouteBlocked}
              kubernetesTabUrl={kubernetesTabUrl}
              onChanged={handlers.onChanged}
              onDestroyGroup={handlers.onDestroyGroup}
            />
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
});
