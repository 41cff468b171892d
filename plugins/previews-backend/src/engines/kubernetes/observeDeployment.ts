import type { V1Deployment } from '@kubernetes/client-node';
import { PreviewObservationState } from '@backstage-previews/plugin-previews-node';

/**
 * What a Deployment's status says about the preview: available once the
 * controller saw the latest spec and reports Available with every replica
 * updated and no pod of an older template left; degraded when the rollout gave up (progress deadline) or pods
 * cannot be created; otherwise still progressing.
 */
export function observeDeployment(deployment: V1Deployment): {
  state: Extract<
    PreviewObservationState,
    'progressing' | 'available' | 'degraded'
  >;
  message?: string;
} {
  const status = deployment.status ?? {};
  const conditions = status.conditions ?? [];
  const condition = (type: string) => conditions.find(c => c.type === type);

  const replicaFailure = condition('ReplicaFailure');
  if (replicaFailure?.status === 'True') {
    return {
      state: 'degraded',
      message: replicaFailure.message ?? 'pods cannot be created',
    };
  }
  const progressing = condition('Progressing');
  if (
    progressing?.status === 'False' &&
    progressing.reason === 'ProgressDeadlineExceeded'
  ) {
    return {
      state: 'degraded',
      message: progressing.message ?? 'the rollout did not finish in time',
    };
  }

  const desired = deployment.spec?.replicas ?? 1;
  const upToDate =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1);
  const available = condition('Available')?.status === 'True';
  const updated = status.updatedReplicas ?? 0;
  // Pods of the old template still running: during a rolling update they
  // keep the Deployment Available while the new pods are not ready yet.
  const old = Math.max(0, (status.replicas ?? 0) - updated);
  if (
    upToDate &&
    available &&
    updated >= desired &&
    (status.availableReplicas ?? 0) >= desired
  ) {
    if (!old) return { state: 'available' };
    return {
      state: 'progressing',
      message: `rolling out: ${old} old ${
        old === 1 ? 'replica' : 'replicas'
      } still running`,
    };
  }
  const ready = status.readyReplicas ?? 0;
  return {
    state: 'progressing',
    message: `${ready}/${desired} replicas ready`,
  };
}
