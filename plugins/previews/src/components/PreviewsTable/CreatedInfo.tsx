import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Text } from '@backstage/ui';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../../translation';
import { EntityRefOrText } from '../EntityRefOrText';
import { formatAgeShort, formatDateTime } from '../format';

/** How long ago, and by whom, it was created: a line under the branch. */
export function CreatedInfo({ preview, now }: { preview: Preview; now: Date }) {
  const { t } = useTranslationRef(previewsTranslationRef);
  const age = (
    <time
      dateTime={preview.createdAt}
      title={formatDateTime(preview.createdAt)}
      data-testid="preview-age"
    >
      {formatAgeShort(t, preview.createdAt, now)}
    </time>
  );
  return (
    <Text as="div" variant="body-x-small" color="secondary">
      {t('createdInfo.created', { age })}
      {preview.createdBy && (
        <span data-testid="preview-created-by">
          {' '}
          {t('createdInfo.by', {
            actor: (
              <EntityRefOrText
                entityRef={preview.createdBy}
                defaultKind="user"
                hideIcon
              />
            ),
          })}
        </span>
      )}
    </Text>
  );
}
