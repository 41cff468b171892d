import type { V1Deployment } from '@kubernetes/client-node';
import { observeDeployment } from './observeDeployment';

function deployment(
  status: V1Deployment['status'],
  { generation = 1, replicas = 1 } = {},
): V1Deployment {
  return {
    metadata: { name: 'app', generation },
    spec: { replicas, selector: {}, template: {} },
    status,
  };
}

const available = { type: 'Available', status: 'True' };

describe('observeDeployment', () => {
  it.each([
    [
      'no status yet',
      deployment(undefined),
      'progressing',
      '0/1 replicas ready',
    ],
    [
      'available and up to date',
      deployment({
        observedGeneration: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        readyReplicas: 1,
        conditions: [available],
      }),
      'available',
      undefined,
    ],
    [
      'available but the controller has not seen the new generation',
      deployment(
        {
          observedGeneration: 1,
          updatedReplicas: 1,
          availableReplicas: 1,
          readyReplicas: 1,
          conditions: [available],
        },
        { generation: 2 },
      ),
      'progressing',
      '1/1 replicas ready',
    ],
    [
      'a rolling update whose new pod is not ready: the old pod keeps it Available',
      deployment(
        {
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 1,
          availableReplicas: 1,
          readyReplicas: 1,
          conditions: [available],
        },
        { generation: 2 },
      ),
      'progressing',
      'rolling out: 1 old replica still running',
    ],
    [
      'a rolling update done: the old pods are gone',
      deployment(
        {
          observedGeneration: 2,
          replicas: 1,
          updatedReplicas: 1,
          availableReplicas: 1,
          readyReplicas: 1,
          conditions: [available],
        },
        { generation: 2 },
      ),
      'available',
      undefined,
    ],
    [
      'available but fewer replicas than wanted',
      deployment(
        {
          observedGeneration: 1,
          updatedReplicas: 1,
          availableReplicas: 1,
          readyReplicas: 1,
          conditions: [available],
        },
        { replicas: 2 },
      ),
      'progressing',
      '1/2 replicas ready',
    ],
    [
      'progress deadline exceeded',
      deployment({
        observedGeneration: 1,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "app-1" has timed out progressing.',
          },
        ],
      }),
      'degraded',
      'ReplicaSet "app-1" has timed out progressing.',
    ],
    [
      'pods cannot be created',
      deployment({
        observedGeneration: 1,
        conditions: [
          { type: 'ReplicaFailure', status: 'True', message: 'exceeded quota' },
        ],
      }),
      'degraded',
      'exceeded quota',
    ],
  ])('%s → %s', (_, input, state, message) => {
    expect(observeDeployment(input)).toEqual({ state, message });
  });
});
