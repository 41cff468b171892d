import Typography from '@mui/material/Typography';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { EntityRefOrText } from '../EntityRefOrText';
import { formatAgeShort, formatDateTime } from '../format';

/** How long ago, and by whom, it was created: a line under the branch. */
export function CreatedInfo({ preview, now }: { preview: Preview; now: Date }) {
  return (
    <Typography variant="caption" color="text.secondary" display="block">
      created{' '}
      <time
        dateTime={preview.createdAt}
        title={formatDateTime(preview.createdAt)}
        data-testid="preview-age"
      >
        {formatAgeShort(preview.createdAt, now)}
      </time>
      {preview.createdBy && (
        <span data-testid="preview-created-by">
          {' '}
          by{' '}
          <EntityRefOrText
            entityRef={preview.createdBy}
            defaultKind="user"
            hideIcon
          />
        </span>
      )}
    </Typography>
  );
}
