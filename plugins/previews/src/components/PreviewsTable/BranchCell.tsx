import TableCell from '@mui/material/TableCell';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { shortRef } from '../format';
import { CreatedInfo } from './CreatedInfo';

/** Branch, pull request, preview name, where its dependencies point, and who created it when. */
export function BranchCell({
  preview,
  now,
  showComponent,
}: {
  preview: Preview;
  now: Date;
  showComponent: boolean;
}) {
  const unresolved =
    preview.dependencies?.filter(d => d.target === 'unresolved').length ?? 0;
  return (
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
              {preview.pullRequest.title ? ` ${preview.pullRequest.title}` : ''}
            </Link>
          ) : (
            `#${preview.pullRequest.number}${
              preview.pullRequest.title ? ` ${preview.pullRequest.title}` : ''
            }`
          )}
        </Typography>
      )}
      <Typography variant="caption" color="text.secondary" display="block">
        {preview.name}
      </Typography>
      {(preview.dependencies?.length ?? 0) > 0 && (
        <Typography
          variant="caption"
          color={unresolved ? 'warning.main' : 'text.secondary'}
          display="block"
          data-testid="preview-dependency-summary"
        >
          {preview
            .dependencies!.map(d => `→ ${shortRef(d.entityRef)} (${d.target})`)
            .join(', ')}
        </Typography>
      )}
      <CreatedInfo preview={preview} now={now} />
    </TableCell>
  );
}
