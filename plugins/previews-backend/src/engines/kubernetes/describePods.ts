import type {
  CoreV1Event,
  V1ContainerStatus,
  V1Pod,
} from '@kubernetes/client-node';
import {
  PreviewClusterEvent,
  PreviewContainer,
  PreviewPod,
} from '@backstage-previews/plugin-previews-common';
import { WORKLOAD_LABEL } from '../shared/labels';
import { DATABASE_LABEL } from './renderDatabases';
import { SEED_STEP_LABEL } from './renderSeedJobs';
import { TEST_NAME_LABEL } from './renderTestRun';

const iso = (d: Date | string | undefined) =>
  d === undefined ? undefined : new Date(d).toISOString();

function containerOf(
  name: string,
  init: boolean,
  status: V1ContainerStatus | undefined,
): PreviewContainer {
  const state = status?.state;
  const last = status?.lastState?.terminated;
  const common = {
    name,
    init,
    restarts: status?.restartCount ?? 0,
    ready: status?.ready ?? false,
    hasPrevious: !!last,
  };
  if (state?.running) return { ...common, state: 'running' };
  if (state?.waiting) {
    return {
      ...common,
      state: 'waiting',
      ...(state.waiting.reason ? { reason: state.waiting.reason } : {}),
      ...(last ? { exitCode: last.exitCode } : {}),
    };
  }
  if (state?.terminated) {
    return {
      ...common,
      state: 'terminated',
      ...(state.terminated.reason ? { reason: state.terminated.reason } : {}),
      exitCode: state.terminated.exitCode,
    };
  }
  return { ...common, state: 'unknown' };
}

/** What a pod runs, by our labels (the first that is set), and which one. */
function roleOf(
  labels: Record<string, string>,
): readonly [PreviewPod['role'], string | undefined] {
  if (labels[WORKLOAD_LABEL]) return ['workload', labels[WORKLOAD_LABEL]];
  if (labels[SEED_STEP_LABEL]) return ['seed', labels[SEED_STEP_LABEL]];
  if (labels[TEST_NAME_LABEL]) return ['test', labels[TEST_NAME_LABEL]];
  if (labels[DATABASE_LABEL]) return ['database', labels[DATABASE_LABEL]];
  return ['other', undefined];
}

/**
 * A pod as the Logs panel lists it: what it runs (by our labels) and every
 * container with its real state, init containers first. A crash-looping
 * container shows `waiting: CrashLoopBackOff`, never `running`. Pure.
 */
export function describePod(pod: V1Pod): PreviewPod {
  const [role, of] = roleOf(pod.metadata?.labels ?? {});
  const statuses = (list: V1ContainerStatus[] | undefined) =>
    new Map((list ?? []).map(s => [s.name, s]));
  const initStatuses = statuses(pod.status?.initContainerStatuses);
  const appStatuses = statuses(pod.status?.containerStatuses);
  return {
    name: pod.metadata?.name ?? '',
    role,
    ...(of ? { of } : {}),
    phase: pod.status?.phase ?? 'Unknown',
    ...(pod.metadata?.creationTimestamp
      ? { createdAt: iso(pod.metadata.creationTimestamp) }
      : {}),
    containers: [
      ...(pod.spec?.initContainers ?? []).map(c =>
        containerOf(c.name, true, initStatuses.get(c.name)),
      ),
      ...(pod.spec?.containers ?? []).map(c =>
        containerOf(c.name, false, appStatuses.get(c.name)),
      ),
    ],
  };
}

/** Workloads first, then seed steps, smoke tests, databases and the rest; newest first within each. Pure. */
export function sortPods(pods: PreviewPod[]): PreviewPod[] {
  const order = { workload: 0, seed: 1, test: 2, database: 3, other: 4 };
  return [...pods].sort(
    (a, b) =>
      order[a.role] - order[b.role] ||
      (a.of ?? '').localeCompare(b.of ?? '') ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? '') ||
      a.name.localeCompare(b.name),
  );
}

/** A namespace event as the Events panel shows it, or undefined when it says nothing usable. Pure. */
export function describeEvent(
  event: CoreV1Event,
): PreviewClusterEvent | undefined {
  const at = iso(
    event.lastTimestamp ??
      event.eventTime ??
      event.firstTimestamp ??
      event.metadata?.creationTimestamp,
  );
  if (!at) return undefined;
  return {
    at,
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    object: `${event.involvedObject?.kind ?? '?'}/${
      event.involvedObject?.name ?? '?'
    }`,
    message: event.message ?? '',
    count: event.count ?? 1,
  };
}
