import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Link, Text } from '@backstage/ui';
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
      <Text
        as="div"
        variant="body-x-small"
        color="secondary"
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
      </Text>
      {preview.links?.map(link => (
        <Text as="div" variant="body-x-small" key={link.url}>
          <Link
            href={link.url}
            target="_blank"
            rel="noopener noreferrer"
            variant="body-x-small"
            data-testid="preview-link"
          >
            {link.title}
          </Link>
        </Text>
      ))}
    </>
  );
}
