import { useEffect, useState } from 'react';
import { SWRConfig } from 'swr';
import { act, render, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { previewsApiRef } from '../api';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import {
  UsePreviewsResult,
  isChanging,
  nextPollDelay,
  usePreviews,
} from './usePreviews';

describe('nextPollDelay', () => {
  const base = { baseMs: 2000, idleMs: 30_000, failures: 0, unchanged: 0 };
  it('polls fast while something changes and slowly otherwise', () => {
    expect(nextPollDelay({ ...base, changing: true })).toBe(2000);
    expect(nextPollDelay({ ...base, changing: false })).toBe(30_000);
  });
  it('looks again soon at failed or degraded previews, which may recover', () => {
    expect(nextPollDelay({ ...base, changing: false, unsettled: true })).toBe(
      6000,
    );
    expect(nextPollDelay({ ...base, changing: true, unsettled: true })).toBe(
      2000,
    );
    expect(
      nextPollDelay({
        ...base,
        changing: false,
        unsettled: true,
        unchanged: 5,
      }),
    ).toBe(9000);
  });
  it('backs off while answers stay the same and while loads fail, up to a minute', () => {
    expect(nextPollDelay({ ...base, changing: true, unchanged: 4 })).toBe(2000);
    expect(nextPollDelay({ ...base, changing: true, unchanged: 5 })).toBe(3000);
    expect(nextPollDelay({ ...base, changing: true, unchanged: 10 })).toBe(
      4500,
    );
    expect(nextPollDelay({ ...base, changing: true, failures: 2 })).toBe(8000);
    expect(nextPollDelay({ ...base, changing: false, failures: 3 })).toBe(
      60_000,
    );
    expect(nextPollDelay({ ...base, changing: true, unchanged: 100 })).toBe(
      60_000,
    );
  });
});

describe('isChanging', () => {
  const base = InMemoryPreviewsApi.preview({ branch: 'main', status: 'ready' });
  const run = (status: 'pending' | 'running' | 'passed' | 'failed') => ({
    run: 1,
    status,
    trigger: 'create' as const,
    results: [],
  });
  it.each([
    ['ready and settled', base, false],
    ['provisioning', { ...base, status: 'provisioning' as const }, true],
    ['ready, smoke tests running', { ...base, tests: run('running') }, true],
    ['ready, smoke tests pending', { ...base, tests: run('pending') }, true],
    [
      'degraded by failed smoke tests',
      { ...base, status: 'degraded' as const, tests: run('failed') },
      false,
    ],
    [
      'failed with a run that never ended',
      { ...base, status: 'failed' as const, tests: run('running') },
      false,
    ],
  ])('%s: %s', (_name, preview, expected) => {
    expect(isChanging(preview)).toBe(expected);
  });
});

describe('usePreviews', () => {
  // Real timers drive these renders, as in a browser: not React's act() test mode.
  const actEnvironment = (globalThis as any).IS_REACT_ACT_ENVIRONMENT;
  beforeAll(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = false;
  });
  afterAll(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = actEnvironment;
  });
  /** The hook in a parent that renders again every few milliseconds (as a busy page does). */
  function renderBusy(api: InMemoryPreviewsApi, pollMs = 40, idleMs = 40) {
    const seen: UsePreviewsResult[] = [];
    const Busy = () => {
      const [, setTick] = useState(0);
      useEffect(() => {
        const timer = setInterval(() => setTick(t => t + 1), 5);
        return () => clearInterval(timer);
      }, []);
      seen.push(usePreviews(undefined, pollMs, idleMs));
      return null;
    };
    render(
      <TestApiProvider apis={[[previewsApiRef, api]]}>
        <SWRConfig value={{ provider: () => new Map() }}>
          <Busy />
        </SWRConfig>
      </TestApiProvider>,
    );
    return seen;
  }

  it('keeps polling while its parent renders more often than the interval', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({ branch: 'cart', status: 'provisioning' }),
    ]);
    const seen = renderBusy(api);
    // each render must not push the next refresh away
    await waitFor(
      () => expect(api.callsOf('listPreviews').length).toBeGreaterThan(3),
      { timeout: 2000 },
    );
    expect(seen[seen.length - 1].previews?.[0].branch).toBe('cart');
  });

  it('polls fast as soon as a refresh shows a preview changing, and slowly once it is settled', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({ branch: 'cart', status: 'ready' }),
    ]);
    const id = (await api.listPreviews({})).items[0].id;
    const seen = renderBusy(api, 30, 600_000);
    const latest = () => seen[seen.length - 1];
    await waitFor(() => expect(latest().previews?.[0].status).toBe('ready'));
    // as after an action: the preview changes, and the view loads once
    api.update(id, { status: 'provisioning' });
    await act(() => latest().refresh());
    await waitFor(() => expect(latest().polling).toBe(true));
    // only polling can show this: the idle interval is ten minutes
    api.update(id, { status: 'ready' });
    await waitFor(() => expect(latest().previews?.[0].status).toBe('ready'), {
      timeout: 2000,
    });
    const calls = api.callsOf('listPreviews').length;
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(api.callsOf('listPreviews')).toHaveLength(calls);
  });

  it('polls at the base interval again as soon as loads stop failing', async () => {
    const api = new InMemoryPreviewsApi([
      InMemoryPreviewsApi.preview({ branch: 'cart', status: 'provisioning' }),
    ]);
    const list = api.listPreviews.bind(api);
    let failing = false;
    let failures = 0;
    jest.spyOn(api, 'listPreviews').mockImplementation(async options => {
      if (failing) {
        failures += 1;
        throw new Error('backend restarting');
      }
      return list(options);
    });
    const seen = renderBusy(api, 10, 600_000);
    const latest = () => seen[seen.length - 1];
    await waitFor(() => expect(latest().previews).toHaveLength(1));
    // the backend goes away: after six failures the backoff is at 10 ms * 2^6, over 0.6 s
    failing = true;
    await waitFor(() => expect(failures).toBeGreaterThanOrEqual(6), {
      timeout: 10_000,
    });
    failing = false;
    // the retry after the last failure may be seconds away on a busy machine
    await waitFor(() => expect(latest().error).toBeUndefined(), {
      timeout: 20_000,
    });
    // after the recovery, polls come at the base pace (10 ms), not the
    // backoff's (over 0.6 s): several within a second
    const recovered = api.callsOf('listPreviews').length;
    await waitFor(
      () =>
        expect(api.callsOf('listPreviews').length - recovered).toBeGreaterThan(
          3,
        ),
      { timeout: 1000 },
    );
  }, 40_000);
});
