import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { observeMarks } from './observeMarks';
import { SEED_GENERATION_LABEL, SEED_STEP_LABEL } from './renderSeedJobs';
import { TEST_RUN_LABEL } from './renderTestRun';

const t = (s: number) => new Date(Date.UTC(2026, 11, 4, 10, 0, s));
const iso = (s: number) => t(s).toISOString();

function pod(
  name: string,
  fields: {
    created: number;
    scheduled?: number;
    init?: number;
    main?: number;
    restartedFrom?: number;
    labels?: Record<string, string>;
  },
): V1Pod {
  return {
    metadata: {
      name,
      creationTimestamp: t(fields.created),
      labels: fields.labels,
    },
    status: {
      conditions: [
        {
          type: 'Initialized',
          status: 'True',
          lastTransitionTime: t(fields.created),
        },
        ...(fields.scheduled !== undefined
          ? [
              {
                type: 'PodScheduled',
                status: 'True',
                lastTransitionTime: t(fields.scheduled),
              },
            ]
          : [{ type: 'PodScheduled', status: 'False' }]),
      ],
      ...(fields.init !== undefined
        ? {
            initContainerStatuses: [
              {
                name: 'wait',
                image: 'i',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode: 0,
                    startedAt: t(fields.init),
                    finishedAt: t(fields.init + 5),
                  },
                },
              },
            ],
          }
        : {}),
      containerStatuses:
        fields.main !== undefined
          ? [
              {
                name: 'app',
                image: 'a',
                imageID: '',
                ready: true,
                restartCount: fields.restartedFrom !== undefined ? 1 : 0,
                state: { running: { startedAt: t(fields.main) } },
                ...(fields.restartedFrom !== undefined
                  ? {
                      lastState: {
                        terminated: {
                          exitCode: 1,
                          startedAt: t(fields.restartedFrom),
                        },
                      },
                    }
                  : {}),
              },
            ]
          : [
              {
                name: 'app',
                image: 'a',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: { waiting: { reason: 'ContainerCreating' } },
              },
            ],
    },
  } as V1Pod;
}

function job(
  name: string,
  step: string,
  generation: number,
  start?: number,
  end?: number,
): V1Job {
  return {
    metadata: {
      name,
      creationTimestamp: t(start ?? 0),
      labels: {
        [SEED_STEP_LABEL]: step,
        [SEED_GENERATION_LABEL]: String(generation),
      },
    },
    status: {
      ...(start !== undefined ? { startTime: t(start) } : {}),
      ...(end !== undefined ? { completionTime: t(end) } : {}),
    },
  };
}

describe('observeMarks', () => {
  it.each<[string, V1Pod[], V1Job[], ReturnType<typeof observeMarks>]>([
    ['nothing yet', [], [], { pods: [] }],
    [
      'a pod not scheduled yet has only its creation',
      [pod('api-1', { created: 1 })],
      [],
      { pods: [{ createdAt: iso(1) }] },
    ],
    [
      'a pod starts with its first container: the init container',
      [pod('api-1', { created: 1, scheduled: 2, init: 6, main: 20 })],
      [],
      { pods: [{ createdAt: iso(1), scheduledAt: iso(2), startedAt: iso(6) }] },
    ],
    [
      'a restarted container started with its first run',
      [pod('api-1', { created: 1, scheduled: 2, main: 30, restartedFrom: 7 })],
      [],
      { pods: [{ createdAt: iso(1), scheduledAt: iso(2), startedAt: iso(7) }] },
    ],
    [
      'smoke test pods are left out',
      [
        pod('api-1', { created: 1, scheduled: 1, main: 3 }),
        pod('test-r1-home-x', {
          created: 40,
          scheduled: 40,
          main: 41,
          labels: { [TEST_RUN_LABEL]: '1' },
        }),
      ],
      [],
      { pods: [{ createdAt: iso(1), scheduledAt: iso(1), startedAt: iso(3) }] },
    ],
    [
      'the seed and migrate Jobs of the newest generation, a running one without its end',
      [],
      [
        job('seed-g1', 'seed', 1, 0, 5),
        job('migrate-g1-a', 'migrate', 1, 5, 8),
        job('seed-g2', 'seed', 2, 50, 61),
        job('migrate-g2-a', 'migrate', 2, 61),
      ],
      {
        pods: [],
        seed: { startedAt: iso(50), finishedAt: iso(61) },
        migrate: { startedAt: iso(61) },
      },
    ],
    [
      'a Job not started yet has no mark',
      [],
      [job('seed-g1', 'seed', 1)],
      { pods: [] },
    ],
  ])('%s', (_, pods, jobs, expected) => {
    expect(observeMarks(pods, jobs)).toEqual(expected);
  });
});
