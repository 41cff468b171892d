import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import TableCell from '@mui/material/TableCell';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { CopyButton } from '../CopyButton';

/** The preview's URL, cut to fit, with a copy button. */
export function UrlCell({
  preview,
  showComponent,
}: {
  preview: Preview;
  showComponent: boolean;
}) {
  return (
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
  );
}
