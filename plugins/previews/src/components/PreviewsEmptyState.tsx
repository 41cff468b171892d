import Button from '@mui/material/Button';
import { EmptyState } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { previewsTranslationRef } from '../translation';

/** Where the preview spec is documented (the project's README). */
export const DEFAULT_PREVIEWS_DOCS_URL =
  'https://github.com/backstage-previews/backstage-previews#the-preview-spec';

/** Shown when an entity has no previews yet. */
export function PreviewsEmptyState(props: { docsUrl?: string }) {
  const { docsUrl = DEFAULT_PREVIEWS_DOCS_URL } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  return (
    <EmptyState
      missing="data"
      title={t('emptyState.title')}
      description={t('emptyState.description')}
      action={
        <Button
          variant="outlined"
          href={docsUrl}
          target="_blank"
          rel="noopener noreferrer"
        >
          {t('emptyState.docsButton')}
        </Button>
      }
    />
  );
}
