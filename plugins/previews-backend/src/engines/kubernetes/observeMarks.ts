import type { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node';
import { PreviewRolloutMarks } from '@backstage-previews/plugin-previews-node';
import { currentSeedJobs } from './observeSeed';
import { TEST_RUN_LABEL } from './renderTestRun';

function toIso(t: unknown): string | undefined {
  if (!t) return undefined;
  const d = t instanceof Date ? t : new Date(String(t));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** When a container first started: a restarted one's earlier run counts. */
function startsOf(status: V1ContainerStatus): string[] {
  return [status.state, status.lastState]
    .map(s => toIso(s?.running?.startedAt ?? s?.terminated?.startedAt))
    .filter((t): t is string => !!t);
}

function podMarks(pod: V1Pod): PreviewRolloutMarks['pods'][number] | undefined {
  const createdAt = toIso(pod.metadata?.creationTimestamp);
  if (!createdAt) return undefined;
  const scheduled = pod.status?.conditions?.find(
    c => c.type === 'PodScheduled' && c.status === 'True',
  );
  const scheduledAt = toIso(scheduled?.lastTransitionTime);
  const starts = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]
    .flatMap(startsOf)
    .sort();
  return {
    createdAt,
    ...(scheduledAt ? { scheduledAt } : {}),
    ...(starts.length ? { startedAt: starts[0] } : {}),
  };
}

function jobMarks(
  job: V1Job | undefined,
): { startedAt: string; finishedAt?: string } | undefined {
  const startedAt = toIso(job?.status?.startTime);
  if (!startedAt) return undefined;
  const finishedAt = toIso(job?.status?.completionTime);
  return { startedAt, ...(finishedAt ? { finishedAt } : {}) };
}

/**
 * When the preview's pods were created, scheduled and started, and when its
 * newest seed and migrate Jobs ran, from the cluster's own timestamps
 * (whole seconds for pods). Smoke test pods are left out: the test run
 * records its own times. Pure.
 */
export function observeMarks(
  pods: readonly V1Pod[],
  jobs: readonly V1Job[],
): PreviewRolloutMarks {
  const current = currentSeedJobs(jobs);
  const seed = jobMarks(current?.seed);
  const migrate = jobMarks(current?.migrate);
  return {
    pods: pods
      .filter(p => !p.metadata?.labels?.[TEST_RUN_LABEL])
      .map(podMarks)
      .filter((m): m is NonNullable<typeof m> => !!m),
    ...(seed ? { seed } : {}),
    ...(migrate ? { migrate } : {}),
  };
}
