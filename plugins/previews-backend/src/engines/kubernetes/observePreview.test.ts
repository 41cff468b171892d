import type {
  CoreV1Event,
  V1Deployment,
  V1Namespace,
  V1Pod,
} from '@kubernetes/client-node';
import {
  PreviewClusterState,
  namespaceBlockers,
  observePreview,
} from './observePreview';

const ns: V1Namespace = {
  metadata: { name: 'p', labels: { 'app.kubernetes.io/instance': 'id-1' } },
};
const available = (name: string): V1Deployment => ({
  metadata: { name, generation: 1 },
  spec: { replicas: 1, selector: {}, template: {} },
  status: {
    observedGeneration: 1,
    updatedReplicas: 1,
    availableReplicas: 1,
    readyReplicas: 1,
    conditions: [{ type: 'Available', status: 'True' }],
  },
});
const rolling = (name: string): V1Deployment => ({
  metadata: { name, generation: 1 },
  spec: { replicas: 2, selector: {}, template: {} },
  status: { observedGeneration: 1, readyReplicas: 1 },
});
const pod = (
  name: string,
  ready: boolean,
  extra: Partial<NonNullable<V1Pod['status']>> = {},
  restarts = 0,
): V1Pod => ({
  metadata: { name },
  status: {
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [
      { name: 'c', image: 'i', imageID: '', ready, restartCount: restarts },
    ],
    ...extra,
  },
});
const waiting = (reason: string, message?: string) => ({
  containerStatuses: [
    {
      name: 'web',
      image: 'i',
      imageID: '',
      ready: false,
      restartCount: 3,
      state: { waiting: { reason, message } },
    },
  ],
});
const warning = (reason: string, at: string): CoreV1Event => ({
  metadata: { name: reason },
  involvedObject: { kind: 'Pod', name: 'web-1' },
  type: 'Warning',
  reason,
  message: `${reason} happened`,
  lastTimestamp: new Date(at),
});

const state = (s: Partial<PreviewClusterState>): PreviewClusterState => ({
  name: 'p',
  namespace: ns,
  deployments: [],
  pods: [],
  events: [],
  ...s,
});

/** What a message should be: matching the pattern, or undefined without one. */
const matching = (pattern: RegExp | undefined) =>
  pattern ? expect.stringMatching(pattern) : undefined;

describe('observePreview', () => {
  it.each<[string, PreviewClusterState, string, RegExp | undefined]>([
    ['no namespace', state({ namespace: undefined }), 'absent', undefined],
    [
      'objects cached before their namespace',
      state({ namespace: undefined, deployments: [rolling('web')] }),
      'progressing',
      /namespace to be seen/,
    ],
    [
      'pods cached before their namespace',
      state({ namespace: undefined, pods: [pod('web-1', false)] }),
      'progressing',
      /namespace to be seen/,
    ],
    ['no deployments yet', state({}), 'progressing', /not created yet/],
    [
      'two workloads available',
      state({
        deployments: [available('web'), available('worker')],
        pods: [pod('web-1', true), pod('worker-1', true)],
      }),
      'available',
      undefined,
    ],
    [
      'asleep (zero replicas are available to the controller): not ready, seen before a wake is applied',
      state({
        deployments: [
          {
            ...available('web'),
            metadata: {
              name: 'web',
              generation: 1,
              annotations: { 'backstage-previews.io/asleep': 'true' },
            },
            spec: { replicas: 0, selector: {}, template: {} },
          },
        ],
      }),
      'progressing',
      /asleep: workloads scaled to zero/,
    ],
    [
      'one of two still rolling out',
      state({ deployments: [available('web'), rolling('worker')] }),
      'progressing',
      /worker 1\/2 replicas ready/,
    ],
    [
      'image pull backoff',
      state({
        deployments: [rolling('web')],
        pods: [
          pod(
            'web-1',
            false,
            waiting('ImagePullBackOff', 'Back-off pulling image "x"'),
          ),
        ],
      }),
      'degraded',
      /web-1\/web ImagePullBackOff: Back-off pulling image "x"/,
    ],
    [
      'crash loop',
      state({
        deployments: [rolling('web')],
        pods: [pod('web-1', false, waiting('CrashLoopBackOff'))],
      }),
      'degraded',
      /CrashLoopBackOff/,
    ],
    [
      'merely creating a container is not degraded',
      state({
        deployments: [rolling('web')],
        pods: [pod('web-1', false, waiting('ContainerCreating'))],
      }),
      'progressing',
      /replicas ready/,
    ],
    [
      'rollout past its deadline',
      state({
        deployments: [
          {
            ...rolling('web'),
            status: {
              conditions: [
                {
                  type: 'Progressing',
                  status: 'False',
                  reason: 'ProgressDeadlineExceeded',
                  message: 'timed out',
                },
              ],
            },
          },
        ],
      }),
      'degraded',
      /web: timed out/,
    ],
    [
      'namespace terminating',
      state({
        namespace: {
          ...ns,
          metadata: { ...ns.metadata, deletionTimestamp: new Date() },
        },
      }),
      'terminating',
      /terminating/,
    ],
    [
      'a pod still stopping in a terminating namespace is named',
      state({
        namespace: {
          ...ns,
          metadata: { ...ns.metadata, deletionTimestamp: new Date() },
        },
        pods: [
          {
            ...pod('web-1', true),
            metadata: {
              name: 'web-1',
              deletionTimestamp: new Date(),
              deletionGracePeriodSeconds: 30,
            },
          },
        ],
      }),
      'terminating',
      /Waiting for pod web-1 to stop \(grace period 30 s\)/,
    ],
    [
      'a pull back-off says why the pull failed, from the latest Failed event of its pod',
      state({
        deployments: [rolling('web')],
        pods: [
          pod(
            'web-1',
            false,
            waiting('ImagePullBackOff', 'Back-off pulling image "x"'),
          ),
        ],
        events: [
          {
            ...warning('Failed', '2026-01-01T00:00:00Z'),
            involvedObject: { kind: 'Pod', name: 'web-1' },
            message: 'Failed to pull image "x": not found',
          },
          {
            ...warning('Failed', '2026-01-01T00:01:00Z'),
            involvedObject: { kind: 'Pod', name: 'web-1' },
            message: 'Failed to pull image "x": 401 Unauthorized',
          },
          {
            ...warning('Failed', '2026-01-01T00:02:00Z'),
            involvedObject: { kind: 'Pod', name: 'other-1' },
            message: 'Failed to pull image "y": 500',
          },
        ],
      }),
      'degraded',
      /web-1\/web ImagePullBackOff: Failed to pull image "x": 401 Unauthorized/,
    ],
    [
      "a seed Job's pod that cannot pull its image",
      state({
        deployments: [rolling('web')],
        pods: [
          {
            ...pod(
              'seed-g1-abc',
              false,
              waiting('ErrImagePull', 'failed to pull: 401 Unauthorized'),
            ),
            metadata: {
              name: 'seed-g1-abc',
              ownerReferences: [
                {
                  apiVersion: 'batch/v1',
                  kind: 'Job',
                  name: 'seed-g1',
                  uid: 'u',
                },
              ],
            },
          },
        ],
      }),
      'degraded',
      /seed-g1-abc\/web ErrImagePull: failed to pull: 401 Unauthorized/,
    ],
  ])('%s → %s', (_, input, expectedState, message) => {
    const o = observePreview(input);
    expect(o.state).toBe(expectedState);
    expect(o.message).toEqual(matching(message));
    expect(o.previewId).toBe(input.namespace ? 'id-1' : undefined);
  });

  it('counts pods, readiness and restarts, ignoring terminating pods', () => {
    const gone = {
      ...pod('old', true),
      metadata: { name: 'old', deletionTimestamp: new Date() },
    };
    const o = observePreview(
      state({
        deployments: [available('web')],
        pods: [pod('a', true, {}, 2), pod('b', false, {}, 1), gone],
      }),
    );
    expect(o.details).toMatchObject({
      podsReady: 1,
      podsTotal: 2,
      restarts: 3,
    });
  });

  it('keeps the five most recent warnings, newest first', () => {
    const events = ['A', 'B', 'C', 'D', 'E', 'F'].map((r, i) =>
      warning(r, `2026-01-01T00:00:0${i}Z`),
    );
    events.push({
      ...warning('Normal', '2026-01-01T00:00:09Z'),
      type: 'Normal',
    });
    const o = observePreview(state({ events }));
    expect(o.details?.warnings.map(w => w.reason)).toEqual([
      'F',
      'E',
      'D',
      'C',
      'B',
    ]);
    expect(o.details?.warnings[0]).toMatchObject({
      object: 'Pod/web-1',
      message: 'F happened',
      at: '2026-01-01T00:00:05.000Z',
    });
  });

  it('names what blocks a terminating namespace', () => {
    const terminating: V1Namespace = {
      ...ns,
      metadata: { ...ns.metadata, deletionTimestamp: new Date() },
      status: {
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceContentRemaining',
            status: 'True',
            message:
              'Some resources are remaining: configmaps. has 1 resource instances',
          },
          {
            type: 'NamespaceFinalizersRemaining',
            status: 'True',
            message:
              'Some content in the namespace has finalizers remaining: example.com/block in 1 resource instances',
          },
          {
            type: 'NamespaceDeletionDiscoveryFailure',
            status: 'False',
            message: 'All resources successfully discovered',
          },
        ],
      },
    };
    const o = observePreview(state({ namespace: terminating }));
    expect(o.details?.blockers).toEqual([
      'NamespaceContentRemaining: Some resources are remaining: configmaps. has 1 resource instances',
      'NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: example.com/block in 1 resource instances',
    ]);
    expect(o.message).toContain('example.com/block');
  });

  it('falls back to the namespace finalizers when no condition explains', () => {
    expect(namespaceBlockers({ spec: { finalizers: ['kubernetes'] } })).toEqual(
      ['namespace finalizers: kubernetes'],
    );
  });

  it('does not trust a cached Deployment older than the one just applied', () => {
    const stale = state({
      deployments: [available('web')],
      appliedGenerations: new Map([['web', 2]]),
    });
    expect(observePreview(stale)).toMatchObject({
      state: 'progressing',
      message: 'web update not seen by the watch yet',
    });
    const fresh = state({
      deployments: [available('web')],
      appliedGenerations: new Map([['web', 1]]),
    });
    expect(observePreview(fresh).state).toBe('available');
  });
});
