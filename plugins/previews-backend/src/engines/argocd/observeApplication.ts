import type { V1Namespace } from '@kubernetes/client-node';
import { PreviewDetails } from '@backstage-previews/plugin-previews-common';
import { PreviewObservation } from '@backstage-previews/plugin-previews-node';
import { PREVIEW_ID_LABEL } from '../shared/labels';
import { ARGOCD_FINALIZER, ArgoApplication } from './application';

/** What is known about one preview of the Argo CD engine. */
export interface ArgoPreviewState {
  name: string;
  /** Namespace of the Applications (for messages). */
  argoNamespace: string;
  /** The preview's Application, if it exists. */
  application?: ArgoApplication;
  /** The preview's namespace, only if it carries our labels (see the engine's namespace rule). */
  namespace?: V1Namespace;
  /** A problem of the optional REST API (e.g. a failed sync request); adds to the message only. */
  restProblem?: string;
  /** Generation of the Application as we last applied it: an older cached one is stale. */
  appliedGeneration?: number;
}

function details(blockers: string[]): PreviewDetails {
  return { podsReady: 0, podsTotal: 0, restarts: 0, warnings: [], blockers };
}

function joinMessages(parts: Array<string | undefined>): string | undefined {
  const seen = new Set<string>();
  for (const p of parts) {
    const t = p?.trim();
    if (t) seen.add(t);
  }
  return seen.size ? [...seen].join('; ') : undefined;
}

/**
 * Maps an Application's status to an observation (pure):
 *
 * | Argo CD                                  | observation  |
 * | ---------------------------------------- | ------------ |
 * | Healthy and Synced                       | available    |
 * | Healthy but OutOfSync/Unknown sync       | progressing  |
 * | Progressing, Missing, Unknown, no status | progressing  |
 * | Degraded                                 | degraded     |
 * | Suspended                                | degraded     |
 * | a failed sync operation (Failed, Error)  | degraded     |
 * | an InvalidSpecError condition            | degraded     |
 * | Application being deleted                | terminating  |
 * | no Application, our namespace remains    | terminating  |
 * | neither                                  | absent       |
 *
 * Suspended counts as degraded: a suspended preview (a paused rollout, a
 * suspended job) does not serve until someone acts, and the message says so.
 * The message carries Argo CD's health message, its conditions and the last
 * operation's message, plus any REST API problem.
 */
export function observeApplication(
  state: ArgoPreviewState,
): PreviewObservation {
  const {
    name,
    application: app,
    namespace,
    argoNamespace,
    restProblem,
  } = state;
  const base = {
    name,
    previewId:
      app?.metadata.labels?.[PREVIEW_ID_LABEL] ??
      namespace?.metadata?.labels?.[PREVIEW_ID_LABEL],
  };
  if (!app) {
    if (!namespace) return { ...base, state: 'absent' };
    const blocker = `Namespace ${name}${
      namespace.metadata?.deletionTimestamp
        ? ' is still being deleted'
        : ' remains after its Application was deleted'
    }`;
    return {
      ...base,
      state: 'terminating',
      message: blocker,
      details: details([blocker]),
    };
  }
  if (app.metadata.deletionTimestamp) {
    const finalizers = app.metadata.finalizers ?? [];
    const blocker = finalizers.includes(ARGOCD_FINALIZER)
      ? `Application ${argoNamespace}/${name} waits for Argo CD to delete its resources (finalizer ${ARGOCD_FINALIZER})`
      : `Application ${argoNamespace}/${name} is being deleted${
          finalizers.length ? ` (finalizers ${finalizers.join(', ')})` : ''
        }`;
    return {
      ...base,
      state: 'terminating',
      message: blocker,
      details: details([blocker]),
    };
  }

  const status = app.status ?? {};
  const health = status.health?.status ?? 'Unknown';
  const sync = status.sync?.status ?? 'Unknown';
  const phase = status.operationState?.phase;
  const argoMessages = [
    status.health?.message,
    ...(status.conditions ?? []).map(c => `${c.type}: ${c.message}`),
    status.operationState?.message,
  ];
  const message = (summary: string) =>
    joinMessages([summary, ...argoMessages, restProblem]);

  if (health === 'Degraded')
    return {
      ...base,
      state: 'degraded',
      message: message('Argo CD reports the application Degraded'),
    };
  if (health === 'Suspended') {
    return {
      ...base,
      state: 'degraded',
      message: message(
        'Argo CD reports the application Suspended (paused or suspended resources); resume them in Argo CD',
      ),
    };
  }
  if (phase === 'Failed' || phase === 'Error') {
    return {
      ...base,
      state: 'degraded',
      message: message(
        `Argo CD sync ${phase === 'Failed' ? 'failed' : 'errored'}`,
      ),
    };
  }
  if ((status.conditions ?? []).some(c => c.type === 'InvalidSpecError')) {
    return {
      ...base,
      state: 'degraded',
      message: message('Argo CD rejects the Application'),
    };
  }
  if (
    state.appliedGeneration !== undefined &&
    (app.metadata.generation ?? 0) < state.appliedGeneration
  ) {
    return {
      ...base,
      state: 'progressing',
      message: message('Argo CD has not seen the new spec yet'),
    };
  }
  // Synced to an older commit is not synced (only comparable when the target is a commit).
  const target = app.spec.source?.targetRevision;
  const syncedTo = status.sync?.revision;
  if (
    target &&
    /^[0-9a-f]{40}$/.test(target) &&
    syncedTo &&
    syncedTo !== target
  ) {
    return {
      ...base,
      state: 'progressing',
      message: message(
        `Argo CD has synced ${syncedTo.slice(0, 7)}, not yet ${target.slice(
          0,
          7,
        )}`,
      ),
    };
  }
  if (health === 'Healthy' && sync === 'Synced') {
    return {
      ...base,
      state: 'available',
      ...(restProblem ? { message: restProblem } : {}),
    };
  }
  return {
    ...base,
    state: 'progressing',
    message: message(`Argo CD: health ${health}, sync ${sync}`),
  };
}
