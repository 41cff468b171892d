import { backoffDelay, isTransient, retryTransient } from './retryTransient';

const httpError = (code: number) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code });
const netError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:6443`), { code });

describe('isTransient', () => {
  it.each([
    [httpError(429), true],
    [httpError(500), true],
    [httpError(503), true],
    [httpError(409), true],
    [httpError(400), false],
    [httpError(403), false],
    [httpError(404), false],
    [httpError(422), false],
    [netError('ECONNREFUSED'), true],
    [netError('ECONNRESET'), true],
    [new TypeError('fetch failed', { cause: netError('ECONNREFUSED') }), true],
    [new Error('request to https://x failed, reason: socket hang up'), true],
    [new Error('Invalid preview spec'), false],
  ])('%#: %s -> %s', (e, transient) => {
    expect(isTransient(e)).toBe(transient);
  });
});

describe('retryTransient', () => {
  const options = (delays: number[]) => ({
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 250,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  });

  it('retries transient errors with growing, capped delays until the call succeeds', async () => {
    const delays: number[] = [];
    const errors = [httpError(503), httpError(429), netError('ECONNREFUSED')];
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      const e = errors.shift();
      if (e) throw e;
      return 'applied';
    }, options(delays));
    expect(result).toBe('applied');
    expect(calls).toBe(4);
    expect(delays).toEqual([100, 200, 250]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const delays: number[] = [];
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw httpError(500);
      }, options(delays)),
    ).rejects.toMatchObject({ code: 500 });
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
  });

  it('does not retry errors that will not go away', async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw httpError(422);
      }, options([])),
    ).rejects.toMatchObject({ code: 422 });
    expect(calls).toBe(1);
  });

  it('gives up waiting on an attempt that does not answer and tries again', async () => {
    let calls = 0;
    const result = await retryTransient(
      () => {
        calls++;
        return calls === 1
          ? new Promise<string>(() => undefined)
          : Promise.resolve('answered');
      },
      { ...options([]), attemptTimeoutMs: 20 },
    );
    expect(result).toBe('answered');
    expect(calls).toBe(2);
  });

  it('computes exponential delays', () => {
    expect(
      [1, 2, 3, 4, 5, 6].map(a =>
        backoffDelay(a, { baseDelayMs: 250, maxDelayMs: 4000 }),
      ),
    ).toEqual([250, 500, 1000, 2000, 4000, 4000]);
  });
});
