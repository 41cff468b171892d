import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  PREVIEWS_SIGNAL_CHANNEL,
  Preview,
  PreviewSignal,
  TRANSITIONAL_PREVIEW_STATUSES,
} from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';

/** Default delay between refreshes while a preview is changing state. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;

/** Default delay between refreshes while nothing is changing (others may act meanwhile). */
export const DEFAULT_IDLE_POLL_INTERVAL_MS = 30_000;

/** Signals that come together (a rollout touches several fields) make one refresh. */
const SIGNAL_COALESCE_MS = 100;

/** The longest delay between refreshes, however long things take or fail. */
const MAX_POLL_INTERVAL_MS = 60_000;

/**
 * The delay before the next refresh: the base interval while something is
 * changing, doubled after every failed load (the backend may be restarting)
 * and growing by half after every few unchanged answers (a slow rollout does
 * not need a request every two seconds).
 */
export function nextPollDelay(options: {
  changing: boolean;
  /** Something failed or is degraded: it may recover on its own, so look again soon. */
  unsettled?: boolean;
  baseMs: number;
  idleMs: number;
  failures: number;
  unchanged: number;
}): number {
  const { changing, unsettled, baseMs, idleMs, failures, unchanged } = options;
  const slowdown = Math.pow(1.5, Math.floor(unchanged / 5));
  let base = idleMs;
  if (changing) base = baseMs * slowdown;
  else if (unsettled) base = Math.min(idleMs, 3 * baseMs * slowdown);
  return Math.min(
    base * Math.pow(2, failures),
    Math.max(MAX_POLL_INTERVAL_MS, idleMs),
  );
}

/** What {@link usePreviews} returns. */
export interface UsePreviewsResult {
  /** The last list loaded, kept while a refresh is under way. */
  previews?: Preview[];
  /** True until the first load has finished. */
  loading: boolean;
  /** The error of the last load, if it failed. */
  error?: Error;
  /** Whether the list is being refreshed quickly because something is changing. */
  polling: boolean;
  /** Loads the list again now. */
  refresh: () => Promise<void>;
}

const CHANGING_SEED_PHASES = ['pending', 'seeding', 'migrating'];

/** Whether a preview is changing on its own: its status, its seeding or a smoke test run. */
export function isChanging(preview: Preview): boolean {
  const live = preview.status !== 'failed' && preview.status !== 'destroyed';
  return (
    TRANSITIONAL_PREVIEW_STATUSES.includes(preview.status) ||
    (preview.seed !== undefined &&
      CHANGING_SEED_PHASES.includes(preview.seed.phase) &&
      preview.status !== 'failed') ||
    (live &&
      (preview.tests?.status === 'pending' ||
        preview.tests?.status === 'running'))
  );
}

/**
 * Loads the previews of an entity (or all of them) and keeps them current:
 * at once when the backend signals a change (the signals plugin, when the
 * app has it), and by polling as well, quickly while any of them is
 * changing state, slowly otherwise, backing off while loads fail. Rows stay
 * on screen during a refresh.
 */
export function usePreviews(
  /** The entity whose previews to load; all live previews when undefined. */
  entityRef: string | undefined,
  pollIntervalMs: number = DEFAULT_POLL_INTERVAL_MS,
  idlePollIntervalMs: number = DEFAULT_IDLE_POLL_INTERVAL_MS,
): UsePreviewsResult {
  const previewsApi = useApi(previewsApiRef);
  const [previews, setPreviews] = useState<Preview[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(true);
  // Counts finished loads so that the polling effect re-arms after each one.
  const [generation, setGeneration] = useState(0);

  // Only the answer of the latest request is applied.
  const latestRequest = useRef(0);
  // Consecutive failed loads and answers equal to the one before, for backoff.
  const failures = useRef(0);
  const unchanged = useRef(0);
  const lastAnswer = useRef('');
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
      const answer = JSON.stringify(response.items);
      unchanged.current =
        answer === lastAnswer.current ? unchanged.current + 1 : 0;
      failures.current = 0;
      // The same answer keeps the same array, so nothing re-renders.
      if (answer !== lastAnswer.current) {
        lastAnswer.current = answer;
        setPreviews(response.items);
      }
      setError(undefined);
    } catch (e) {
      if (!mounted.current || request !== latestRequest.current) {
        return;
      }
      failures.current += 1;
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
    lastAnswer.current = '';
    failures.current = 0;
    unchanged.current = 0;
    refresh();
  }, [refresh]);

  // A change pushed by the backend: load again (ids only come with it; the list is permission-checked).
  const { lastSignal } = useSignal<PreviewSignal>(PREVIEWS_SIGNAL_CHANNEL);
  useEffect(() => {
    if (!lastSignal) {
      return undefined;
    }
    const timer = setTimeout(() => {
      refresh();
    }, SIGNAL_COALESCE_MS);
    return () => clearTimeout(timer);
  }, [lastSignal, refresh]);

  const polling = previews?.some(isChanging) ?? false;
  const unsettled =
    previews?.some(p => p.status === 'failed' || p.status === 'degraded') ??
    false;

  useEffect(() => {
    if (generation === 0) {
      return undefined;
    }
    const delay = nextPollDelay({
      changing: polling,
      unsettled,
      baseMs: pollIntervalMs,
      idleMs: idlePollIntervalMs,
      failures: failures.current,
      unchanged: unchanged.current,
    });
    const timer = setTimeout(() => {
      refresh();
    }, delay);
    return () => clearTimeout(timer);
  }, [
    polling,
    unsettled,
    generation,
    pollIntervalMs,
    idlePollIntervalMs,
    refresh,
  ]);

  return { previews, loading, error, polling, refresh };
}
