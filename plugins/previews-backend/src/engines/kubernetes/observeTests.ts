import type { V1Job, V1JobCondition, V1Pod } from '@kubernetes/client-node';
import { PreviewTestResult } from '@backstage-previews/plugin-previews-common';
import { PreviewTestObservation } from '@backstage-previews/plugin-previews-node';
import { belongsTo, condition, failedLogTail, secondsOf } from './observeSeed';
import {
  TEST_CONTAINER,
  TEST_NAME_LABEL,
  TEST_RUN_LABEL,
} from './renderTestRun';

/** How many lines of a failed test's log its message keeps. */
const MESSAGE_LINES = 10;

function runOf(job: V1Job): number {
  const n = Number(job.metadata?.labels?.[TEST_RUN_LABEL]);
  return Number.isInteger(n) ? n : 0;
}

/** Why a test that has not ended does not run yet (its pod waits: an image pull, a config error). */
function waitingReason(pod: V1Pod | undefined): string | undefined {
  const waiting = pod?.status?.containerStatuses?.find(
    c => c.name === TEST_CONTAINER,
  )?.state?.waiting;
  if (!waiting?.reason || waiting.reason === 'ContainerCreating')
    return undefined;
  return `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
}

/** Why a failed test's Job failed: its deadline, its container's exit code, or the Job's own words. */
function failureReason(
  job: V1Job,
  failed: V1JobCondition,
  exit: number | undefined,
): string {
  if (failed.reason === 'DeadlineExceeded')
    return `timed out after ${job.spec?.activeDeadlineSeconds ?? '?'} s`;
  if (exit !== undefined) return `exited with code ${exit}`;
  return failed.message ?? failed.reason ?? 'the Job failed';
}

function resultOf(job: V1Job, pods: readonly V1Pod[]): PreviewTestResult {
  const name =
    job.metadata?.labels?.[TEST_NAME_LABEL] ?? job.metadata?.name ?? '';
  const own = pods
    .filter(p => belongsTo(p, job))
    .sort((a, b) =>
      String(b.metadata?.creationTimestamp).localeCompare(
        String(a.metadata?.creationTimestamp),
      ),
    );
  const pod = own[0]?.metadata?.name;
  const where = pod ? { pod, container: TEST_CONTAINER } : {};
  const seconds = secondsOf(job);
  if (condition(job, 'Complete'))
    return {
      name,
      status: 'passed',
      ...where,
      ...(seconds !== undefined ? { seconds } : {}),
    };
  const failed = condition(job, 'Failed');
  if (failed) {
    const exit = own[0]?.status?.containerStatuses?.find(
      c => c.name === TEST_CONTAINER,
    )?.state?.terminated?.exitCode;
    const tail = failedLogTail(job, own).lines?.slice(-MESSAGE_LINES);
    const why = failureReason(job, failed, exit);
    return {
      name,
      status: 'failed',
      message: tail?.length ? `${why}\n${tail.join('\n')}` : why,
      ...where,
    };
  }
  const waiting = waitingReason(own[0]);
  return {
    name,
    status: 'running',
    ...(waiting ? { message: waiting } : {}),
    ...where,
  };
}

/**
 * The newest smoke test run of a preview from its test Jobs and their pods:
 * each test passed (the Job completed), failed (with the exit code or the
 * deadline, and the last lines of its log) or running. Undefined without
 * test Jobs. Pure.
 */
export function observeTests(
  jobs: readonly V1Job[],
  pods: readonly V1Pod[],
): PreviewTestObservation | undefined {
  const ours = jobs.filter(
    j => j.metadata?.labels?.[TEST_RUN_LABEL] && !j.metadata?.deletionTimestamp,
  );
  if (!ours.length) return undefined;
  const run = Math.max(...ours.map(runOf));
  const results = ours
    .filter(j => runOf(j) === run)
    .map(j => resultOf(j, pods))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { run, results };
}
