import TableCell from '@mui/material/TableCell';
import Typography from '@mui/material/Typography';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { formatAgeShort, formatDateTime, shortRef } from '../format';

/** How long ago, and by whom, it was created. */
export function CreatedCell({
  preview,
  now,
  showComponent,
}: {
  preview: Preview;
  now: Date;
  showComponent: boolean;
}) {
  return (
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
  );
}
