import { ResponseErrorPanel } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { ResponseError } from '@backstage/errors';
import { Alert } from '@backstage/ui';
import { previewsTranslationRef } from '../translation';

/**
 * Whether a failed list means the portal's backend has no previews plugin:
 * the list route answers whenever the plugin is installed, so a 404 there
 * is the plugin's absence (an adopter who skipped the backend step). Pure.
 */
export function isBackendMissing(error: Error): boolean {
  return error instanceof ResponseError && error.statusCode === 404;
}

/** Why a list of previews could not load; the usual error panel, unless the backend plugin is missing. */
export function PreviewsLoadError({ error }: { error: Error }) {
  const { t } = useTranslationRef(previewsTranslationRef);
  if (!isBackendMissing(error)) return <ResponseErrorPanel error={error} />;
  // Backstage UI's alert: an install problem, not a failed request, so no
  // request details to expand
  return (
    <Alert
      role="alert"
      status="danger"
      icon
      title={t('loadError.backendMissing')}
      description={t('loadError.backendMissingHelp')}
    />
  );
}
