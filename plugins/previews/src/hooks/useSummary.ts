import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { PreviewsSummary } from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { errorMessage } from '../components/format';

/** The org-wide totals (`GET /summary`), loaded again whenever `version` changes. */
export function useSummary(version: string) {
  const previewsApi = useApi(previewsApiRef);
  const [summary, setSummary] = useState<PreviewsSummary | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    previewsApi
      .getSummary()
      .then(s => {
        if (current) {
          setSummary(s);
          setError(undefined);
        }
      })
      .catch(e => current && setError(errorMessage(e)));
    return () => {
      current = false;
    };
  }, [previewsApi, version]);
  return { summary, error };
}
