import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { observeTests } from './observeTests';

const job = (
  run: number,
  test: string,
  status: V1Job['status'] = {},
  extra: Partial<V1Job['metadata']> = {},
): V1Job => ({
  metadata: {
    name: `test-r${run}-${test}`,
    uid: `uid-${run}-${test}`,
    labels: {
      'backstage-previews.io/test-run': String(run),
      'backstage-previews.io/test': test,
    },
    ...extra,
  },
  spec: { activeDeadlineSeconds: 60, template: {} },
  status,
});
const pod = (run: number, test: string, state: any): V1Pod => ({
  metadata: {
    name: `test-r${run}-${test}-abcde`,
    creationTimestamp: new Date('2026-12-04T10:00:00Z'),
    ownerReferences: [
      {
        kind: 'Job',
        name: `test-r${run}-${test}`,
        uid: `uid-${run}-${test}`,
        apiVersion: 'batch/v1',
      },
    ],
  },
  status: {
    containerStatuses: [
      {
        name: 'test',
        state,
        ready: false,
        restartCount: 0,
        image: 'i',
        imageID: '',
      },
    ],
  },
});
const cond = (type: string, reason?: string, message?: string) => ({
  conditions: [
    {
      type,
      status: 'True',
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    },
  ],
});
const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 10, 0, s));

describe('observeTests', () => {
  it('says nothing without test Jobs (seed Jobs are not tests)', () => {
    expect(
      observeTests(
        [
          {
            metadata: {
              name: 'seed-g1',
              labels: { 'backstage-previews.io/seed-step': 'seed' },
            },
          },
        ],
        [],
      ),
    ).toBeUndefined();
  });

  it.each<[string, V1Job, V1Pod[], object]>([
    [
      'a Job that completed passed, with how long it took',
      job(1, 'api', {
        ...cond('Complete'),
        startTime: at(0),
        completionTime: at(4),
      }),
      [pod(1, 'api', { terminated: { exitCode: 0 } })],
      {
        name: 'api',
        status: 'passed',
        seconds: 4,
        pod: 'test-r1-api-abcde',
        container: 'test',
      },
    ],
    [
      'a Job that failed: the exit code and the last lines of its log',
      job(1, 'api', cond('Failed', 'BackoffLimitExceeded')),
      [
        pod(1, 'api', {
          terminated: {
            exitCode: 3,
            message: 'GET /cart\ntotal is 0, expected 42\n',
          },
        }),
      ],
      {
        name: 'api',
        status: 'failed',
        message: 'exited with code 3\nGET /cart\ntotal is 0, expected 42',
        pod: 'test-r1-api-abcde',
        container: 'test',
      },
    ],
    [
      'past its deadline',
      job(
        1,
        'api',
        cond(
          'Failed',
          'DeadlineExceeded',
          'Job was active longer than specified deadline',
        ),
      ),
      [],
      { name: 'api', status: 'failed', message: 'timed out after 60 s' },
    ],
    [
      'still pulling a missing image: running, saying why it waits',
      job(1, 'api'),
      [
        pod(1, 'api', {
          waiting: { reason: 'ImagePullBackOff', message: 'not found' },
        }),
      ],
      {
        name: 'api',
        status: 'running',
        message: 'ImagePullBackOff: not found',
        pod: 'test-r1-api-abcde',
        container: 'test',
      },
    ],
    [
      'being created: running',
      job(1, 'api'),
      [pod(1, 'api', { waiting: { reason: 'ContainerCreating' } })],
      {
        name: 'api',
        status: 'running',
        pod: 'test-r1-api-abcde',
        container: 'test',
      },
    ],
  ])('%s', (_name, j, pods, result) => {
    expect(observeTests([j], pods)).toEqual({ run: 1, results: [result] });
  });

  it('reports the newest run only, its tests by name; Jobs being deleted do not count', () => {
    const seen = observeTests(
      [
        job(1, 'api', cond('Failed')),
        job(2, 'web'),
        job(2, 'api', cond('Complete')),
        job(3, 'api', {}, { deletionTimestamp: new Date() }),
      ],
      [],
    );
    expect(seen).toEqual({
      run: 2,
      results: [
        { name: 'api', status: 'passed' },
        { name: 'web', status: 'running' },
      ],
    });
  });
});
