import { PreviewTestRun } from '@backstage-previews/plugin-previews-common';
import {
  pendingRun,
  runAfterObservation,
  startedRun,
  withTestVerdict,
} from './testRuns';

const NOW = '2026-12-04T10:00:00.000Z';
const plan = {
  tests: [
    { name: 'api', image: 'i' },
    { name: 'e2e', image: 'i' },
  ],
};
const running: PreviewTestRun = {
  run: 3,
  status: 'running',
  trigger: 'redeploy',
  startedAt: NOW,
  results: [
    { name: 'api', status: 'running' },
    { name: 'e2e', status: 'running' },
  ],
};

describe('pendingRun', () => {
  it.each([
    [
      'no tests: nothing to run, and nothing left of earlier runs',
      undefined,
      undefined,
      { tests: null, testPlan: null },
    ],
    [
      'an empty list is no tests',
      { tests: [] },
      running,
      { tests: null, testPlan: null },
    ],
    [
      'the first run',
      plan,
      undefined,
      {
        tests: {
          run: 1,
          status: 'pending',
          trigger: 'create',
          sha: 'abc1234',
          results: [
            { name: 'api', status: 'pending' },
            { name: 'e2e', status: 'pending' },
          ],
        },
        testPlan: plan,
      },
    ],
    [
      'numbered after the last',
      plan,
      running,
      { tests: expect.objectContaining({ run: 4 }), testPlan: plan },
    ],
  ])('%s', (_name, given, previous, expected) => {
    expect(pendingRun(given, 'create', previous, 'abc1234')).toEqual(expected);
  });
});

describe('runAfterObservation', () => {
  const observed = (...results: PreviewTestRun['results']) => ({
    run: 3,
    results,
  });
  it.each<
    [
      string,
      PreviewTestRun,
      ReturnType<typeof observed> | { run: number; results: [] },
      Partial<PreviewTestRun> | undefined,
    ]
  >([
    [
      'another run says nothing about this one',
      running,
      { run: 2, results: [] },
      undefined,
    ],
    [
      'nothing new: no change',
      running,
      observed({ name: 'api', status: 'running' }),
      undefined,
    ],
    [
      'one passed, one still running',
      running,
      observed({ name: 'api', status: 'passed', seconds: 2 }),
      { status: 'running' },
    ],
    [
      'all passed',
      running,
      observed(
        { name: 'api', status: 'passed' },
        { name: 'e2e', status: 'passed' },
      ),
      { status: 'passed', finishedAt: NOW },
    ],
    [
      'one failed while another runs: not over yet',
      running,
      observed(
        { name: 'api', status: 'failed', message: 'exited with code 1' },
        { name: 'e2e', status: 'running' },
      ),
      { status: 'running' },
    ],
    [
      'all ended, one failed',
      running,
      observed(
        { name: 'api', status: 'failed', message: 'exited with code 1' },
        { name: 'e2e', status: 'passed' },
      ),
      { status: 'failed', finishedAt: NOW },
    ],
    [
      'an ended run does not change',
      { ...running, status: 'passed' },
      observed({ name: 'api', status: 'failed' }),
      undefined,
    ],
  ])('%s', (_name, run, seen, expected) => {
    const next = runAfterObservation(run, seen, NOW);
    // Undefined, or a run with at least the expected fields.
    expect({ next }).toMatchObject({ next: expected });
  });

  it('keeps the result of a test the engine does not report', () => {
    const next = runAfterObservation(
      running,
      observed({ name: 'api', status: 'passed' }),
      NOW,
    )!;
    expect(next.results).toEqual([
      { name: 'api', status: 'passed' },
      { name: 'e2e', status: 'running' },
    ]);
  });
});

describe('startedRun', () => {
  it('starts every test, on the commit deployed now', () => {
    const pending = pendingRun(plan, 'create', undefined, 'abc1234').tests!;
    expect(startedRun(pending, NOW, 'def5678')).toEqual({
      ...pending,
      status: 'running',
      sha: 'def5678',
      startedAt: NOW,
      results: running.results,
    });
    expect(startedRun(pending, NOW, undefined).sha).toBe('abc1234');
  });
});

describe('withTestVerdict', () => {
  const failed: PreviewTestRun = {
    ...running,
    status: 'failed',
    results: [
      { name: 'api', status: 'failed' },
      { name: 'e2e', status: 'passed' },
    ],
  };
  it.each([
    [
      'ready, tests failed: degraded, naming them',
      { status: 'ready' as const, statusMessage: null },
      failed,
      { status: 'degraded', statusMessage: 'tests failed: api' },
    ],
    [
      'ready, tests passed: ready',
      { status: 'ready' as const, statusMessage: null },
      { ...running, status: 'passed' as const },
      { status: 'ready', statusMessage: null },
    ],
    [
      'ready, tests running: ready',
      { status: 'ready' as const, statusMessage: null },
      running,
      { status: 'ready', statusMessage: null },
    ],
    [
      'a workload problem wins',
      { status: 'degraded' as const, statusMessage: 'web CrashLoopBackOff' },
      failed,
      { status: 'degraded', statusMessage: 'web CrashLoopBackOff' },
    ],
    ['no change stays none', undefined, failed, undefined],
    ['no tests', { status: 'ready' as const }, undefined, { status: 'ready' }],
  ])('%s', (_name, change, tests, expected) => {
    expect(withTestVerdict(change, tests)).toEqual(expected);
  });
});
