import TableCell from '@mui/material/TableCell';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { formatCost } from '../format';

/** The engine by its own name, its links, and the cost per hour. */
export function EngineCell({ preview }: { preview: Preview }) {
  return (
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
  );
}
