import {
  PreviewTestResult,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';
import {
  PreviewTestObservation,
  PreviewTestPlan,
} from '@backstage-previews/plugin-previews-node';
import type { PreviewStatusChange } from '../types';

/** The status message of a preview whose smoke tests failed starts with this. */
export const TESTS_FAILED = 'tests failed';

/**
 * What a rollout (create, redeploy or reroute, reseed) records about smoke
 * tests: a pending run numbered after the last, which starts once the
 * preview is ready, or nothing (nulls) when the spec has none. Pure.
 */
export function pendingRun(
  plan: PreviewTestPlan | undefined,
  trigger: PreviewTestRun['trigger'],
  previous: PreviewTestRun | undefined,
  sha: string | undefined,
): { tests: PreviewTestRun | null; testPlan: PreviewTestPlan | null } {
  if (!plan?.tests.length) return { tests: null, testPlan: null };
  return {
    tests: {
      run: (previous?.run ?? 0) + 1,
      status: 'pending',
      trigger,
      ...(sha ? { sha } : {}),
      results: plan.tests.map(t => ({
        name: t.name,
        status: 'pending' as const,
      })),
    },
    testPlan: plan,
  };
}

/**
 * The run as started: every test running, on the commit deployed now (a
 * preview that waited for its build may have moved to a newer head since
 * the run was recorded). Pure.
 */
export function startedRun(
  run: PreviewTestRun,
  now: string,
  sha: string | undefined,
): PreviewTestRun {
  return {
    ...run,
    status: 'running',
    ...(sha ? { sha } : {}),
    startedAt: now,
    results: run.results.map(r => ({ name: r.name, status: 'running' })),
  };
}

/** A run's status from its results: running until every test ended, then passed or failed. */
function runStatus(
  ended: boolean,
  results: readonly PreviewTestResult[],
): 'running' | 'passed' | 'failed' {
  if (!ended) return 'running';
  return results.every(r => r.status === 'passed') ? 'passed' : 'failed';
}

/**
 * The run after the engine reported its tests: passed when every test
 * passed, failed once every test ended and one failed, else running; a
 * test the engine does not report (yet) keeps its result. Undefined when
 * the observation is of another run or changes nothing. Pure.
 */
export function runAfterObservation(
  run: PreviewTestRun,
  observed: PreviewTestObservation,
  now: string,
): PreviewTestRun | undefined {
  if (observed.run !== run.run || run.status !== 'running') return undefined;
  const byName = new Map(observed.results.map(r => [r.name, r]));
  const results: PreviewTestResult[] = run.results.map(
    r => byName.get(r.name) ?? r,
  );
  const ended = results.every(
    r => r.status === 'passed' || r.status === 'failed',
  );
  const status = runStatus(ended, results);
  const next: PreviewTestRun = {
    ...run,
    status,
    results,
    ...(ended ? { finishedAt: now } : {}),
  };
  return JSON.stringify(next.results) === JSON.stringify(run.results) &&
    status === run.status
    ? undefined
    : next;
}

/** `tests failed: e2e, api` */
export function testsFailedMessage(run: PreviewTestRun): string {
  const failed = run.results
    .filter(r => r.status === 'failed')
    .map(r => r.name);
  return `${TESTS_FAILED}: ${failed.join(', ')}`;
}

/**
 * The status an observation leads to, with the smoke tests' verdict: a
 * preview whose latest run failed stays `degraded: tests failed` however
 * well its workloads run; nothing is destroyed or stopped. Pure.
 */
export function withTestVerdict(
  change: PreviewStatusChange | undefined,
  tests: PreviewTestRun | undefined,
): PreviewStatusChange | undefined {
  if (change?.status !== 'ready' || tests?.status !== 'failed') return change;
  return {
    ...change,
    status: 'degraded',
    statusMessage: testsFailedMessage(tests),
  };
}

/** Whether a status message is the smoke tests' verdict (a passing re-run clears it). */
export function isTestsFailedMessage(message: string | undefined): boolean {
  return !!message?.startsWith(`${TESTS_FAILED}:`);
}
