import type {
  CoreV1Event,
  V1Deployment,
  V1Job,
  V1Namespace,
  V1Pod,
} from '@kubernetes/client-node';
import {
  PreviewDetails,
  PreviewWarning,
} from '@backstage-previews/plugin-previews-common';
import { PreviewObservation } from '@backstage-previews/plugin-previews-node';
import { observeDeployment } from './observeDeployment';
import { ASLEEP_ANNOTATION, PREVIEW_ID_LABEL } from '../shared/labels';
import { observeSeed } from './observeSeed';
import { observeTests } from './observeTests';
import { observeMarks } from './observeMarks';
import { TEST_RUN_LABEL } from './renderTestRun';

/** Container waiting reasons that mean the workload will not work without a change. */
export const BROKEN_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

const MAX_WARNINGS = 5;

/** Everything the watch caches hold about one preview namespace. */
export interface PreviewClusterState {
  name: string;
  cluster?: string;
  namespace?: V1Namespace;
  deployments: readonly V1Deployment[];
  pods: readonly V1Pod[];
  events: readonly CoreV1Event[];
  /** Seed, migrate and smoke test Jobs of the preview. */
  jobs?: readonly V1Job[];
  /**
   * Generation of each Deployment (by name) as last applied by us: a cached
   * Deployment older than that is a stale view from before the apply.
   */
  appliedGenerations?: ReadonlyMap<string, number>;
}

function warningsOf(events: readonly CoreV1Event[]): PreviewWarning[] {
  return events
    .filter(e => e.type === 'Warning')
    .map(e => ({
      reason: e.reason ?? 'Warning',
      message: e.message ?? '',
      object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
      at: toIso(
        e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp,
      ),
      count: e.count,
    }))
    .sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''))
    .slice(0, MAX_WARNINGS);
}

function toIso(t: unknown): string | undefined {
  if (!t) return undefined;
  const d = t instanceof Date ? t : new Date(String(t));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** What keeps a terminating namespace from going away, from its status and finalizers. */
export function namespaceBlockers(ns: V1Namespace): string[] {
  const blockers: string[] = [];
  for (const c of ns.status?.conditions ?? []) {
    if (c.status === 'True' && c.message)
      blockers.push(`${c.type}: ${c.message}`);
  }
  const finalizers = ns.spec?.finalizers ?? [];
  if (finalizers.length && !blockers.length) {
    blockers.push(`namespace finalizers: ${finalizers.join(', ')}`);
  }
  return blockers;
}

/**
 * The latest reason the kubelet gave for a failed pull of this pod: during
 * ImagePullBackOff the container only says "Back-off pulling image", while
 * the cause (not found, 401 Unauthorized) is in the pod's Failed event.
 */
function lastPullFailure(
  pod: V1Pod,
  events: readonly CoreV1Event[],
): string | undefined {
  const failures = events.filter(
    e =>
      e.reason === 'Failed' &&
      e.involvedObject?.kind === 'Pod' &&
      e.involvedObject?.name === pod.metadata?.name &&
      /pull/i.test(e.message ?? ''),
  );
  const at = (e: CoreV1Event) =>
    toIso(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp) ??
    '';
  return failures.sort((a, b) => at(b).localeCompare(at(a)))[0]?.message;
}

function podProblems(
  pods: readonly V1Pod[],
  events: readonly CoreV1Event[],
): string[] {
  const problems: string[] = [];
  for (const pod of pods) {
    for (const cs of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]) {
      const reason = cs.state?.waiting?.reason;
      if (reason && BROKEN_WAITING_REASONS.has(reason)) {
        const cause =
          reason === 'ImagePullBackOff'
            ? lastPullFailure(pod, events)
            : undefined;
        const message = cause ?? cs.state?.waiting?.message;
        problems.push(
          `${pod.metadata?.name}/${cs.name} ${reason}${
            message ? `: ${message}` : ''
          }`,
        );
      }
    }
  }
  return problems;
}

/**
 * The observation of one preview from cached cluster state. Pure.
 * absent (no namespace) → terminating (being deleted, with blockers) →
 * degraded (a pod in a broken waiting state, or a rollout past its deadline) →
 * available (every Deployment available) → progressing.
 */
export function observePreview(state: PreviewClusterState): PreviewObservation {
  const { name, cluster, namespace } = state;
  const seed =
    namespace && state.jobs?.length
      ? observeSeed(state.jobs, state.pods)
      : undefined;
  const tests =
    namespace && state.jobs?.length
      ? observeTests(state.jobs, state.pods)
      : undefined;
  const marks = namespace
    ? observeMarks(state.pods, state.jobs ?? [])
    : undefined;
  const base = {
    name,
    ...(cluster ? { cluster } : {}),
    ...(seed ? { seed } : {}),
    ...(tests ? { tests } : {}),
    ...(marks?.pods.length ? { marks } : {}),
  };
  if (!namespace) {
    // Its objects are cached but not its namespace: the namespace watch lags
    // behind the others (objects cannot outlive their namespace), so nothing
    // can be concluded yet; a new preview must not look vanished.
    const lagging =
      state.deployments.length > 0 ||
      state.pods.length > 0 ||
      (state.jobs?.length ?? 0) > 0;
    return lagging
      ? {
          ...base,
          state: 'progressing',
          message: 'waiting for its namespace to be seen',
        }
      : { ...base, state: 'absent' };
  }
  const previewId = namespace.metadata?.labels?.[PREVIEW_ID_LABEL];
  // Pods of seed and migrate Jobs end when done: they are not the preview's workloads.
  const livePods = state.pods.filter(
    p =>
      !p.metadata?.deletionTimestamp &&
      !p.metadata?.ownerReferences?.some(o => o.kind === 'Job'),
  );
  const details: PreviewDetails = {
    podsReady: livePods.filter(p =>
      p.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ),
    ).length,
    podsTotal: livePods.length,
    restarts: livePods.reduce(
      (sum, p) =>
        sum +
        (p.status?.containerStatuses ?? []).reduce(
          (s, c) => s + (c.restartCount ?? 0),
          0,
        ),
      0,
    ),
    warnings: warningsOf(state.events),
  };

  if (namespace.metadata?.deletionTimestamp) {
    // Pods still shutting down (a container that ignores SIGTERM holds its pod
    // until its grace period ends) are named: they are what the user waits for.
    const terminating = state.pods
      .filter(p => p.metadata?.deletionTimestamp)
      .map(
        p =>
          `pod ${p.metadata?.name} to stop (grace period ${
            p.metadata?.deletionGracePeriodSeconds ?? 30
          } s)`,
      );
    const blockers = [...terminating, ...namespaceBlockers(namespace)];
    return {
      ...base,
      previewId,
      state: 'terminating',
      message: blockers.length
        ? `Waiting for ${blockers.join('; ')}`
        : 'namespace is terminating',
      details: { ...details, blockers },
    };
  }
  if (!state.deployments.length) {
    return {
      ...base,
      previewId,
      state: 'progressing',
      message: 'workloads not created yet',
      details,
    };
  }
  // Scaled to zero for sleep: not a rollout that is done (seen before a wake's apply, it must not read as ready).
  if (
    state.deployments.some(
      d => d.metadata?.annotations?.[ASLEEP_ANNOTATION] === 'true',
    )
  ) {
    return {
      ...base,
      previewId,
      state: 'progressing',
      message: 'asleep: workloads scaled to zero',
      details,
    };
  }

  // Job pods count here too: a seed Job whose image cannot be pulled never fails, it waits.
  // Not smoke test pods: a test that cannot start fails on its own (its deadline), not the preview.
  const problems = podProblems(
    state.pods.filter(
      p =>
        !p.metadata?.deletionTimestamp && !p.metadata?.labels?.[TEST_RUN_LABEL],
    ),
    state.events,
  );
  // A failed seed or migration keeps the app waiting for its database: say so at once.
  if (seed?.phase === 'failed')
    problems.push(seed.message ?? 'preparing the database failed');
  const perDeployment = state.deployments.map(d => {
    const applied = state.appliedGenerations?.get(d.metadata?.name ?? '');
    if (applied !== undefined && (d.metadata?.generation ?? 0) < applied) {
      return {
        name: d.metadata?.name,
        state: 'progressing' as const,
        message: 'update not seen by the watch yet',
      };
    }
    return { name: d.metadata?.name, ...observeDeployment(d) };
  });
  const stuck = perDeployment
    .filter(d => d.state === 'degraded')
    .map(d => `${d.name}: ${d.message}`);
  if (problems.length || stuck.length) {
    return {
      ...base,
      previewId,
      state: 'degraded',
      message: [...problems, ...stuck].join('; '),
      details,
    };
  }
  if (perDeployment.every(d => d.state === 'available')) {
    return { ...base, previewId, state: 'available', details };
  }
  const waiting = perDeployment
    .filter(d => d.state !== 'available')
    .map(d => `${d.name} ${d.message}`);
  return {
    ...base,
    previewId,
    state: 'progressing',
    message: waiting.join('; '),
    details,
  };
}
