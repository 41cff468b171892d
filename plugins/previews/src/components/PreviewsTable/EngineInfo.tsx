import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../../translation';
import { formatCost } from '../format';

/**
 * The engine by its own name, its links, and the cost per hour: under the
 * expiry, where it costs no column of its own (the table fits at 1400 px).
 */
export function EngineInfo({ preview }: { preview: Preview }) {
  const { t } = useTranslationRef(previewsTranslationRef);
  return (
    <>
      <Typography
        variant="caption"
        color="text.secondary"
        display="block"
        data-testid="preview-engine"
      >
        {preview.engineTitle ?? preview.engine}
        {preview.cost && (
          <span data-testid="preview-cost">
            {' · '}
            {t('format.perHour', {
              cost: formatCost(preview.cost.perHour, preview.cost.currency),
            })}
          </span>
        )}
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
    </>
  );
}
