import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  Preview,
  TRANSITIONAL_PREVIEW_STATUSES,
} from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';

/** Default delay between refreshes while a preview is changing state. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;

/** What {@link usePreviews} returns. */
export interface UsePreviewsResult {
  /** The last list loaded, kept while a refresh is under way. */
  previews?: Preview[];
  /** True until the first load has finished. */
  loading: boolean;
  /** The error of the last load, if it failed. */
  error?: Error;
  /** Whether the list is being refreshed periodically. */
  polling: boolean;
  /** Loads the list again now. */
  refresh: () => Promise<void>;
}

function isTransitional(preview: Preview): boolean {
  return TRANSITIONAL_PREVIEW_STATUSES.includes(preview.status);
}

/**
 * Loads the previews of an entity and keeps refreshing them while any of them
 * is provisioning or destroying.
 */
export function usePreviews(
  entityRef: string,
  pollIntervalMs: number = DEFAULT_POLL_INTERVAL_MS,
): UsePreviewsResult {
  const previewsApi = useApi(previewsApiRef);
  const [previews, setPreviews] = useState<Preview[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(true);
  // Counts finished loads so that the polling effect re-arms after each one.
  const [generation, setGeneration] = useState(0);

  // Only the answer of the latest request is applied.
  const latestRequest = useRef(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    const request = ++latestRequest.current;
    try {
      const response = await previewsApi.listPreviews({ entityRef });
      if (!mounted.current || request !== latestRequest.current) {
        return;
      }
      setPreviews(response.items);
      setError(undefined);
    } catch (e) {
      if (!mounted.current || request !== latestRequest.current) {
        return;
      }
      setError(e instanceof Error ? e : new Error(String(e)));
    }
    setLoading(false);
    setGeneration(g => g + 1);
  }, [previewsApi, entityRef]);

  // A different entity: start over.
  useEffect(() => {
    setPreviews(undefined);
    setError(undefined);
    setLoading(true);
    refresh();
  }, [refresh]);

  const polling = previews?.some(isTransitional) ?? false;

  useEffect(() => {
    if (!polling) {
      return undefined;
    }
    const timer = setTimeout(() => {
      refresh();
    }, pollIntervalMs);
    return () => clearTimeout(timer);
  }, [polling, generation, pollIntervalMs, refresh]);

  return { previews, loading, error, polling, refresh };
}
