import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import { isChanging, nextPollDelay } from './usePreviews';

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
