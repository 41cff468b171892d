import { MouseEvent } from 'react';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import TableCell from '@mui/material/TableCell';
import Typography from '@mui/material/Typography';
import { CopyTextButton, Link } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../../api';
import { previewsTranslationRef } from '../../translation';
import { errorMessage } from '../format';

/**
 * The preview's URL, cut to fit, with a copy button. Clicking it opens the
 * preview through Open: protected URLs need the token Open hands out (the
 * copied URL has none, so whoever gets it signs in).
 */
export function UrlCell({
  preview,
  showComponent,
}: {
  preview: Preview;
  showComponent: boolean;
}) {
  const previewsApi = useApi(previewsApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const open = async (event: MouseEvent) => {
    event.preventDefault();
    // A window opened now, while the click counts, is not blocked as a pop-up.
    const tab = window.open('', '_blank');
    try {
      const { url } = await previewsApi.openPreview(preview.id);
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      } else {
        window.location.assign(url);
      }
    } catch (e) {
      tab?.close();
      alertApi.post({
        message: t('urlCell.openFailed', {
          name: preview.name,
          error: errorMessage(e),
        }),
        severity: 'error',
      });
    }
  };
  return (
    <TableCell>
      {preview.url ? (
        <Stack direction="row" alignItems="center" spacing={0.5}>
          <Box
            component="span"
            title={preview.url}
            sx={{
              maxWidth: showComponent ? 150 : 170,
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
              onClick={open}
            >
              {preview.url.replace(/^https?:\/\//, '')}
            </Link>
          </Box>
          <CopyTextButton
            text={preview.url}
            aria-label={t('urlCell.copy', { name: preview.name })}
            variant="tertiary"
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
