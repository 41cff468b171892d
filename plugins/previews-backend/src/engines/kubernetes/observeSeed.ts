import type { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node';
import { PreviewSeedStatus } from '@backstage-previews/plugin-previews-common';
import {
  SEED_GENERATION_LABEL,
  SEED_MIGRATES_ANNOTATION,
  SEED_STEP_LABEL,
  SEED_VERSION_ANNOTATION,
} from './renderSeedJobs';

/** How many lines of a failed step's log the status keeps. */
export const LOG_TAIL_LINES = 20;

function time(t: unknown): number | undefined {
  if (!t) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(String(t));
  return Number.isNaN(ms) ? undefined : ms;
}

function generationOf(job: V1Job): number {
  const n = Number(job.metadata?.labels?.[SEED_GENERATION_LABEL]);
  return Number.isInteger(n) ? n : 0;
}

/** The Job's true `Complete` or `Failed` condition. */
export function condition(job: V1Job, type: 'Complete' | 'Failed') {
  return job.status?.conditions?.find(
    c => c.type === type && c.status === 'True',
  );
}

/** How long a finished Job ran, to a tenth of a second. */
export function secondsOf(job: V1Job): number | undefined {
  const start = time(job.status?.startTime);
  const end = time(job.status?.completionTime);
  return start !== undefined && end !== undefined
    ? Math.max(0, Math.round((end - start) / 100) / 10)
    : undefined;
}

/** Whether the pod is one of the Job's. */
export function belongsTo(pod: V1Pod, job: V1Job): boolean {
  const uid = job.metadata?.uid;
  return Boolean(
    pod.metadata?.ownerReferences?.some(
      o =>
        o.kind === 'Job' &&
        (uid ? o.uid === uid : o.name === job.metadata?.name),
    ),
  );
}

/**
 * The last lines of the failed container's log: the kubelet puts them in the
 * termination message (`FallbackToLogsOnError`). Undefined when none is there.
 */
export function failedLogTail(
  job: V1Job,
  pods: readonly V1Pod[],
): { container?: string; lines?: string[] } {
  const failed: Array<{ pod: V1Pod; status: V1ContainerStatus }> = [];
  for (const pod of pods.filter(p => belongsTo(p, job))) {
    for (const status of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]) {
      const exit = status.state?.terminated?.exitCode;
      if (exit !== undefined && exit !== 0) failed.push({ pod, status });
    }
  }
  failed.sort(
    (a, b) =>
      (time(b.status.state?.terminated?.finishedAt) ?? 0) -
      (time(a.status.state?.terminated?.finishedAt) ?? 0),
  );
  const latest = failed[0];
  if (!latest) return {};
  const message = latest.status.state?.terminated?.message ?? '';
  const lines = message.split('\n').map(l => l.trimEnd());
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  return {
    container: latest.status.name,
    lines: lines.length ? lines.slice(-LOG_TAIL_LINES) : undefined,
  };
}

/** The failed pod of a Job whose log the engine may still read (for when there is no termination message). */
export function failedPodOf(
  job: V1Job,
  pods: readonly V1Pod[],
): { pod: string; container: string } | undefined {
  for (const pod of pods.filter(p => belongsTo(p, job))) {
    for (const status of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]) {
      const exit = status.state?.terminated?.exitCode;
      if (exit !== undefined && exit !== 0 && pod.metadata?.name)
        return { pod: pod.metadata.name, container: status.name };
    }
  }
  return undefined;
}

/**
 * The seed and migrate Jobs of the newest seed generation: the newest
 * migrate Job (a redeploy with a new image makes another). Undefined
 * without seed Jobs.
 */
export function currentSeedJobs(
  jobs: readonly V1Job[],
): { generation: number; seed?: V1Job; migrate?: V1Job } | undefined {
  const ours = jobs.filter(
    j =>
      j.metadata?.labels?.[SEED_STEP_LABEL] && !j.metadata?.deletionTimestamp,
  );
  if (!ours.length) return undefined;
  const generation = Math.max(...ours.map(generationOf));
  const current = ours.filter(j => generationOf(j) === generation);
  const seed = current.find(
    j => j.metadata?.labels?.[SEED_STEP_LABEL] === 'seed',
  );
  const migrate = current
    .filter(j => j.metadata?.labels?.[SEED_STEP_LABEL] === 'migrate')
    .sort(
      (a, b) =>
        (time(b.metadata?.creationTimestamp) ?? 0) -
        (time(a.metadata?.creationTimestamp) ?? 0),
    )[0];
  return { generation, seed, migrate };
}

/**
 * The seed status of a preview from its seed and migrate Jobs (those of the
 * newest seed generation) and their pods. Pure. Undefined without seed Jobs
 * (the preview has no PostgreSQL, or they were not created yet).
 *
 * pending (no seed Job yet) → seeding → migrating → ready, or failed at the
 * step whose Job failed, with the last lines of its log.
 */
export function observeSeed(
  jobs: readonly V1Job[],
  pods: readonly V1Pod[],
): PreviewSeedStatus | undefined {
  const current = currentSeedJobs(jobs);
  if (!current) return undefined;
  const { generation, seed, migrate } = current;
  if (!seed)
    return {
      phase: 'pending',
      generation,
      message: `waiting for the seed Job of generation ${generation}`,
    };

  const version = seed.metadata?.annotations?.[SEED_VERSION_ANNOTATION];
  const status: PreviewSeedStatus = {
    phase: 'seeding',
    generation,
    ...(version ? { version } : {}),
  };
  const failedAt = (
    job: V1Job,
    step: 'seeding' | 'migrating',
  ): PreviewSeedStatus => {
    const { container, lines } = failedLogTail(job, pods);
    const reason =
      condition(job, 'Failed')?.message ??
      condition(job, 'Failed')?.reason ??
      'the Job failed';
    return {
      ...status,
      phase: 'failed',
      failedStep: step,
      message: `${step === 'seeding' ? 'Seeding' : 'Migrating'} failed${
        container ? ` in ${container}` : ''
      }: ${reason}`,
      ...(lines ? { logTail: lines } : {}),
    };
  };

  if (condition(seed, 'Failed')) return failedAt(seed, 'seeding');
  if (!condition(seed, 'Complete')) return status;
  const seedSeconds = secondsOf(seed);
  if (seedSeconds !== undefined) status.seedSeconds = seedSeconds;

  const migrates =
    seed.metadata?.annotations?.[SEED_MIGRATES_ANNOTATION] === 'true';
  if (!migrates) return { ...status, phase: 'ready' };
  if (!migrate)
    return {
      ...status,
      phase: 'migrating',
      message: 'waiting for the migrate Job',
    };
  if (condition(migrate, 'Failed')) return failedAt(migrate, 'migrating');
  if (!condition(migrate, 'Complete')) return { ...status, phase: 'migrating' };
  const migrateSeconds = secondsOf(migrate);
  return {
    ...status,
    phase: 'ready',
    ...(migrateSeconds !== undefined ? { migrateSeconds } : {}),
  };
}
