import { useCallback, useEffect, useRef, useState } from 'react';
import useSWR from 'swr';
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

/** How fast a list is looked at again: soon while it loads or changes, sooner while something failed. */
export type PollPace = 'loading' | 'changing' | 'unsettled' | 'idle';

/** The pace a loaded list asks for. Pure. */
export function pollPace(previews: readonly Preview[]): PollPace {
  if (previews.some(isChanging)) return 'changing';
  if (previews.some(p => p.status === 'failed' || p.status === 'degraded'))
    return 'unsettled';
  return 'idle';
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
 * Loads the previews of an entity (or all of them) with SWR and keeps them
 * current: at once when the backend signals a change (the signals plugin,
 * when the app has it), and by polling as well, quickly while any of them is
 * changing state, slowly otherwise, backing off while loads fail. Views of
 * the same list share one request and one cache; rows stay on screen during
 * a refresh.
 */
export function usePreviews(
  /** The entity whose previews to load; all live previews when undefined. */
  entityRef: string | undefined,
  pollIntervalMs: number = DEFAULT_POLL_INTERVAL_MS,
  idlePollIntervalMs: number = DEFAULT_IDLE_POLL_INTERVAL_MS,
): UsePreviewsResult {
  const previewsApi = useApi(previewsApiRef);
  // Consecutive failed loads and unchanged answers, for the backoff.
  const backoff = useRef<{
    failures: number;
    unchanged: number;
    last: string;
  }>({ failures: 0, unchanged: 0, last: '' });
  useEffect(() => {
    backoff.current = { failures: 0, unchanged: 0, last: '' };
  }, [entityRef]);
  const intervals = useRef({ pollIntervalMs, idlePollIntervalMs });
  intervals.current = { pollIntervalMs, idlePollIntervalMs };
  // SWR reads refreshInterval when it schedules the next refresh, after a
  // poll; a load of its own (a signal, an action's refresh) does not
  // reschedule. So the function changes when the list's pace changes (the
  // first list arrives, a preview starts changing) and SWR schedules anew;
  // not on every render, which would keep pushing the next refresh away.
  const [pace, setPace] = useState<PollPace>('loading');
  const delayAfter = useCallback(
    () =>
      nextPollDelay({
        changing: pace === 'loading' || pace === 'changing',
        unsettled: pace === 'unsettled',
        baseMs: intervals.current.pollIntervalMs,
        idleMs: intervals.current.idlePollIntervalMs,
        failures: backoff.current.failures,
        unchanged: backoff.current.unchanged,
      }),
    [pace],
  );

  const { data, error, mutate } = useSWR(
    ['previews', entityRef ?? '*'],
    async () => (await previewsApi.listPreviews({ entityRef })).items,
    {
      refreshInterval: delayAfter,
      // Views mounting together share a request; a poll must never be
      // taken for a duplicate (SWR's default window is 2 s).
      dedupingInterval: Math.min(pollIntervalMs / 2, 2000),
      onSuccess: items => {
        const answer = JSON.stringify(items);
        const b = backoff.current;
        b.unchanged = answer === b.last ? b.unchanged + 1 : 0;
        b.last = answer;
        b.failures = 0;
      },
      onError: () => {
        backoff.current.failures += 1;
      },
      // SWR's polling pauses while the last load failed: the retry comes
      // from here, on the same backoff (the backend may be restarting).
      onErrorRetry: (_error, _key, _config, revalidate, options) => {
        setTimeout(() => revalidate(options), delayAfter());
      },
    },
  );

  // from the shared cache: a load by another view of the list counts too
  useEffect(() => {
    if (data) setPace(pollPace(data));
  }, [data]);

  const refresh = useCallback(async () => {
    await mutate();
  }, [mutate]);

  // A change pushed by the backend: load again (ids only come with it; the list is permission-checked).
  const { lastSignal } = useSignal<PreviewSignal>(PREVIEWS_SIGNAL_CHANNEL);
  useEffect(() => {
    if (!lastSignal) {
      return undefined;
    }
    const timer = setTimeout(() => {
      mutate();
    }, SIGNAL_COALESCE_MS);
    return () => clearTimeout(timer);
  }, [lastSignal, mutate]);

  return {
    previews: data,
    // until the first load has finished: a retry after a failure keeps the error on screen
    loading: data === undefined && error === undefined,
    error:
      error instanceof Error || error === undefined
        ? error
        : new Error(String(error)),
    polling: data?.some(isChanging) ?? false,
    refresh,
  };
}
