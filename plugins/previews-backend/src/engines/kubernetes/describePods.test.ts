import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describeEvent, describePod, sortPods } from './describePods';

const pod = (
  labels: Record<string, string>,
  status: V1Pod['status'],
  initContainers: string[] = [],
): V1Pod => ({
  metadata: {
    name: 'p',
    labels,
    creationTimestamp: new Date('2026-12-03T10:00:00Z'),
  },
  spec: {
    initContainers: initContainers.map(name => ({ name })),
    containers: [{ name: 'app' }],
  },
  status,
});

describe('describePod', () => {
  it.each<[string, V1Pod, object]>([
    [
      'a running workload',
      pod(
        { 'backstage-previews.io/workload': 'web' },
        {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              ready: true,
              restartCount: 0,
              image: 'i',
              imageID: '',
              state: { running: {} },
            },
          ],
        },
      ),
      {
        role: 'workload',
        of: 'web',
        phase: 'Running',
        containers: [
          {
            name: 'app',
            init: false,
            state: 'running',
            restarts: 0,
            ready: true,
            hasPrevious: false,
          },
        ],
      },
    ],
    [
      // The pod phase says Running; the container does not run (gitlab #525081).
      'a crash-looping container is waiting, with its exit code and previous run',
      pod(
        { 'backstage-previews.io/workload': 'api' },
        {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 4,
              image: 'i',
              imageID: '',
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { exitCode: 3, reason: 'Error' } },
            },
          ],
        },
      ),
      {
        role: 'workload',
        of: 'api',
        phase: 'Running',
        containers: [
          {
            name: 'app',
            init: false,
            state: 'waiting',
            reason: 'CrashLoopBackOff',
            exitCode: 3,
            restarts: 4,
            ready: false,
            hasPrevious: true,
          },
        ],
      },
    ],
    [
      'a failed seed step, init containers first',
      pod(
        { 'backstage-previews.io/seed-step': 'seed' },
        {
          phase: 'Failed',
          initContainerStatuses: [
            {
              name: 'wait-for-db',
              ready: true,
              restartCount: 0,
              image: 'i',
              imageID: '',
              state: { terminated: { exitCode: 0, reason: 'Completed' } },
            },
          ],
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              image: 'i',
              imageID: '',
              state: { terminated: { exitCode: 1, reason: 'Error' } },
            },
          ],
        },
        ['wait-for-db'],
      ),
      {
        role: 'seed',
        of: 'seed',
        phase: 'Failed',
        containers: [
          {
            name: 'wait-for-db',
            init: true,
            state: 'terminated',
            reason: 'Completed',
            exitCode: 0,
            restarts: 0,
            ready: true,
            hasPrevious: false,
          },
          {
            name: 'app',
            init: false,
            state: 'terminated',
            reason: 'Error',
            exitCode: 1,
            restarts: 0,
            ready: false,
            hasPrevious: false,
          },
        ],
      },
    ],
    [
      'a database not started yet',
      pod(
        { 'backstage-previews.io/database': 'postgres' },
        { phase: 'Pending' },
      ),
      {
        role: 'database',
        of: 'postgres',
        phase: 'Pending',
        containers: [
          {
            name: 'app',
            init: false,
            state: 'unknown',
            restarts: 0,
            ready: false,
            hasPrevious: false,
          },
        ],
      },
    ],
    ['something else', pod({}, undefined), { role: 'other', phase: 'Unknown' }],
  ])('%s', (_, p, expected) => {
    expect(describePod(p)).toMatchObject({
      name: 'p',
      createdAt: '2026-12-03T10:00:00.000Z',
      ...expected,
    });
  });

  it('sorts workloads first, then seed steps and databases, newest first', () => {
    const p = (
      name: string,
      role: 'workload' | 'seed' | 'database',
      of: string,
      createdAt: string,
    ) => ({ name, role, of, createdAt, phase: 'Running', containers: [] });
    expect(
      sortPods([
        p('d', 'database', 'postgres', '1'),
        p('s1', 'seed', 'seed', '1'),
        p('s2', 'seed', 'seed', '2'),
        p('w', 'workload', 'web', '1'),
      ]).map(x => x.name),
    ).toEqual(['w', 's2', 's1', 'd']);
  });
});

describe('describeEvent', () => {
  it.each<[string, CoreV1Event, object | undefined]>([
    [
      'a warning, by its last time',
      {
        metadata: {},
        involvedObject: { kind: 'Pod', name: 'web-1' },
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        count: 5,
        lastTimestamp: new Date('2026-12-03T10:00:05Z'),
        firstTimestamp: new Date('2026-12-03T10:00:00Z'),
      },
      {
        at: '2026-12-03T10:00:05.000Z',
        type: 'Warning',
        reason: 'BackOff',
        object: 'Pod/web-1',
        message: 'Back-off restarting failed container',
        count: 5,
      },
    ],
    [
      'a new-style event with only an event time',
      {
        metadata: {},
        involvedObject: { kind: 'Pod', name: 'web-1' },
        reason: 'Scheduled',
        message: 'assigned',
        eventTime: new Date('2026-12-03T10:00:00Z'),
      },
      {
        at: '2026-12-03T10:00:00.000Z',
        type: 'Normal',
        reason: 'Scheduled',
        object: 'Pod/web-1',
        message: 'assigned',
        count: 1,
      },
    ],
    ['no time at all', { metadata: {}, involvedObject: {} }, undefined],
  ])('%s', (_, event, expected) => {
    expect(describeEvent(event)).toEqual(expected);
  });
});
