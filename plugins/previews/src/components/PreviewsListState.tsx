import { ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import { Progress } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../translation';
import { errorMessage } from './format';
import { PreviewsLoadError } from './PreviewsLoadError';

/**
 * A list of previews in its states, the same on the Previews tab and the
 * org-wide page: loading, failed, empty, or the table. A refresh that
 * failed while previews are shown is a warning above them, not an error
 * in their place.
 */
export function PreviewsListState(props: {
  previews?: Preview[];
  loading: boolean;
  error?: Error;
  /** Whether there is nothing to list (the page counts what its filters show). */
  isEmpty: boolean;
  empty: ReactNode;
  /** Notices of the last action, above the list. */
  alert?: ReactNode;
  testId: string;
  children: ReactNode;
}) {
  const { previews, loading, error } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  let content: ReactNode;
  if (loading && !previews) content = <Progress />;
  else if (error && !previews) content = <PreviewsLoadError error={error} />;
  else if (props.isEmpty) content = props.empty;
  else content = props.children;
  return (
    <>
      {error && previews && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          {t('listState.refreshFailed', { error: errorMessage(error) })}
        </Alert>
      )}
      {props.alert}
      <div data-testid={props.testId}>{content}</div>
    </>
  );
}
