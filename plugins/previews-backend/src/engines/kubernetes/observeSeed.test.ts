import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { observeSeed } from './observeSeed';
import { observePreview } from './observePreview';

function job(
  name: string,
  step: 'seed' | 'migrate',
  generation: number,
  state: 'running' | 'complete' | 'failed',
  extra: {
    version?: string;
    migrates?: boolean;
    start?: string;
    end?: string;
    created?: string;
  } = {},
): V1Job {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: (extra.created
        ? new Date(extra.created)
        : new Date('2026-11-22T10:00:00Z')) as never,
      labels: {
        'backstage-previews.io/seed-step': step,
        'backstage-previews.io/seed-generation': String(generation),
      },
      annotations: {
        ...(step === 'seed'
          ? {
              'backstage-previews.io/seed-migrates': String(
                extra.migrates ?? true,
              ),
            }
          : {}),
        ...(extra.version
          ? { 'backstage-previews.io/seed-version': extra.version }
          : {}),
      },
    },
    status: {
      startTime: (extra.start ? new Date(extra.start) : undefined) as never,
      completionTime: (extra.end ? new Date(extra.end) : undefined) as never,
      conditions:
        state === 'running'
          ? []
          : [
              state === 'complete'
                ? { type: 'Complete', status: 'True' }
                : {
                    type: 'Failed',
                    status: 'True',
                    reason: 'BackoffLimitExceeded',
                    message: 'Job has reached the specified backoff limit',
                  },
            ],
    },
  };
}

function failedPod(
  jobName: string,
  container: string,
  message?: string,
  init = true,
): V1Pod {
  const status = {
    name: container,
    image: 'x',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: {
      terminated: {
        exitCode: 1,
        reason: 'Error',
        ...(message ? { message } : {}),
        finishedAt: new Date() as never,
      },
    },
  };
  return {
    metadata: {
      name: `${jobName}-abcde`,
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: jobName,
          uid: `uid-${jobName}`,
        },
      ] as never,
    },
    status: init
      ? { phase: 'Failed', initContainerStatuses: [status] }
      : { phase: 'Failed', containerStatuses: [status] },
  };
}

const t = (s: number) =>
  new Date(Date.UTC(2026, 10, 22, 10, 0, s)).toISOString();

describe('observeSeed', () => {
  const cases: Array<
    [string, V1Job[], V1Pod[], ReturnType<typeof observeSeed>]
  > = [
    ['no Jobs: unknown (no database, or not applied yet)', [], [], undefined],
    [
      'seed running',
      [job('seed-g1', 'seed', 1, 'running', { version: 'abc' })],
      [],
      { generation: 1, phase: 'seeding', version: 'abc' },
    ],
    [
      'seed done, migrate running',
      [
        job('seed-g1', 'seed', 1, 'complete', {
          version: 'abc',
          start: t(0),
          end: t(12),
        }),
        job('migrate-g1-1', 'migrate', 1, 'running'),
      ],
      [],
      { generation: 1, phase: 'migrating', version: 'abc', seedSeconds: 12 },
    ],
    [
      'both done: ready with durations',
      [
        job('seed-g1', 'seed', 1, 'complete', {
          version: 'abc',
          start: t(0),
          end: t(12),
        }),
        job('migrate-g1-1', 'migrate', 1, 'complete', {
          start: t(1),
          end: t(15),
        }),
      ],
      [],
      {
        generation: 1,
        phase: 'ready',
        version: 'abc',
        seedSeconds: 12,
        migrateSeconds: 14,
      },
    ],
    [
      'seed done without a migrate step: ready',
      [
        job('seed-g1', 'seed', 1, 'complete', {
          migrates: false,
          start: t(0),
          end: t(3),
        }),
      ],
      [],
      { generation: 1, phase: 'ready', seedSeconds: 3 },
    ],
    [
      'migrate failed: failed at migrating with the log tail of its termination message',
      [
        job('seed-g1', 'seed', 1, 'complete', {
          version: 'abc',
          start: t(0),
          end: t(2),
        }),
        job('migrate-g1-1', 'migrate', 1, 'failed'),
      ],
      [
        failedPod(
          'migrate-g1-1',
          'migrate',
          'Running 0003_add_index\nERROR: relation "orders" does not exist\n\n',
        ),
      ],
      {
        generation: 1,
        phase: 'failed',
        failedStep: 'migrating',
        version: 'abc',
        seedSeconds: 2,
        message:
          'Migrating failed in migrate: Job has reached the specified backoff limit',
        logTail: [
          'Running 0003_add_index',
          'ERROR: relation "orders" does not exist',
        ],
      },
    ],
    [
      'seed failed without a message: failed at seeding, no log tail',
      [job('seed-g1', 'seed', 1, 'failed')],
      [failedPod('seed-g1', 'seed', undefined, false)],
      {
        generation: 1,
        phase: 'failed',
        failedStep: 'seeding',
        message:
          'Seeding failed in seed: Job has reached the specified backoff limit',
      },
    ],
    [
      'an older generation is ignored: a reseed starts over',
      [
        job('seed-g1', 'seed', 1, 'complete', {
          version: 'abc',
          start: t(0),
          end: t(2),
        }),
        job('migrate-g1-1', 'migrate', 1, 'complete', {
          start: t(0),
          end: t(2),
        }),
        job('seed-g2', 'seed', 2, 'running', { version: 'def' }),
      ],
      [],
      { generation: 2, phase: 'seeding', version: 'def' },
    ],
    [
      'the newest migrate Job of the generation counts (a redeploy with a new image)',
      [
        job('seed-g1', 'seed', 1, 'complete', { start: t(0), end: t(2) }),
        job('migrate-g1-old', 'migrate', 1, 'failed', { created: t(0) }),
        job('migrate-g1-new', 'migrate', 1, 'running', { created: t(30) }),
      ],
      [],
      { generation: 1, phase: 'migrating', seedSeconds: 2 },
    ],
  ];
  it.each(cases)('%s', (_, jobs, pods, expected) => {
    expect(observeSeed(jobs, pods)).toEqual(expected);
  });

  it('keeps the last 20 lines of a long log', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const status = observeSeed(
      [job('seed-g1', 'seed', 1, 'failed')],
      [failedPod('seed-g1', 'seed', lines.join('\n'))],
    );
    expect(status?.logTail).toEqual(lines.slice(30));
  });
});

describe('observePreview with seed Jobs', () => {
  const namespace = {
    metadata: { name: 'ns1', labels: { 'app.kubernetes.io/instance': 'id1' } },
  };
  const available = {
    metadata: { name: 'api', generation: 1 },
    spec: { replicas: 1 },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      conditions: [{ type: 'Available', status: 'True' }],
    },
  };
  it('is degraded with the reason while the seed failed, and leaves Job pods out of the pod counts', () => {
    const jobs = [
      job('seed-g1', 'seed', 1, 'complete', { start: t(0), end: t(1) }),
      job('migrate-g1-1', 'migrate', 1, 'failed'),
    ];
    const pods = [failedPod('migrate-g1-1', 'migrate', 'boom')];
    const observation = observePreview({
      name: 'ns1',
      namespace,
      deployments: [available as never],
      pods,
      events: [],
      jobs,
    });
    expect(observation).toMatchObject({
      state: 'degraded',
      message:
        'Migrating failed in migrate: Job has reached the specified backoff limit',
      seed: { phase: 'failed', failedStep: 'migrating', logTail: ['boom'] },
      details: { podsTotal: 0 },
    });
  });
  it('is available once seeded and migrated', () => {
    const jobs = [
      job('seed-g1', 'seed', 1, 'complete', { start: t(0), end: t(1) }),
      job('migrate-g1-1', 'migrate', 1, 'complete'),
    ];
    const observation = observePreview({
      name: 'ns1',
      namespace,
      deployments: [available as never],
      pods: [],
      events: [],
      jobs,
    });
    expect(observation).toMatchObject({
      state: 'available',
      seed: { phase: 'ready' },
    });
  });
});
