import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import { PreviewObservationState } from '@backstage-previews/plugin-previews-node';
import {
  DESTROYABLE,
  REDEPLOYABLE,
  SLEEPABLE,
  statusAfterBuildCheck,
  statusAfterObservation,
} from './previewLifecycle';

const now = '2026-11-22T00:10:00.000Z';

describe('statusAfterObservation', () => {
  it.each<[string, string | undefined, PreviewStatus | undefined]>([
    [
      'just recorded, nothing applied yet',
      '2026-11-22T00:09:30.000Z',
      undefined,
    ],
    ['absent just under the grace', '2026-11-22T00:09:00.001Z', undefined],
    ['absent for the whole grace', '2026-11-22T00:09:00.000Z', 'failed'],
    ['absent long after', '2026-11-21T23:00:00.000Z', 'failed'],
    ['no start known', undefined, 'failed'],
  ])('provisioning and absent: %s → %s', (_, since, expected) => {
    const change = statusAfterObservation(
      'provisioning',
      { name: 'p', state: 'absent' },
      now,
      { provisioningSince: since },
    );
    expect(change?.status).toBe(expected);
  });

  it.each<[PreviewStatus, PreviewObservationState, PreviewStatus | undefined]>([
    ['provisioning', 'available', 'ready'],
    ['provisioning', 'progressing', 'provisioning'],
    ['provisioning', 'degraded', 'degraded'],
    ['provisioning', 'absent', 'failed'],
    ['provisioning', 'terminating', 'failed'],
    ['ready', 'available', undefined],
    ['ready', 'progressing', undefined],
    ['ready', 'degraded', 'degraded'],
    ['ready', 'absent', 'failed'],
    ['ready', 'terminating', 'failed'],
    ['degraded', 'available', 'ready'],
    ['degraded', 'progressing', undefined],
    ['degraded', 'degraded', 'degraded'],
    ['degraded', 'absent', 'failed'],
    ['failed', 'available', 'ready'],
    ['failed', 'degraded', 'degraded'],
    ['failed', 'progressing', undefined],
    ['failed', 'absent', undefined],
    ['destroying', 'available', undefined],
    ['destroying', 'progressing', undefined],
    ['destroying', 'degraded', undefined],
    ['destroying', 'terminating', undefined],
    ['destroying', 'absent', 'destroyed'],
    ['sleeping', 'available', undefined],
    ['sleeping', 'progressing', undefined],
    ['sleeping', 'degraded', undefined],
    ['sleeping', 'absent', 'failed'],
    ['sleeping', 'terminating', 'failed'],
    ['destroyed', 'available', undefined],
    ['destroyed', 'absent', undefined],
  ])('%s + %s → %s', (current, state, expected) => {
    const change = statusAfterObservation(current, { name: 'x', state }, now);
    expect(change?.status).toBe(expected);
  });

  it('records when a preview became ready and clears the old message', () => {
    expect(
      statusAfterObservation(
        'provisioning',
        { name: 'x', state: 'available' },
        now,
      ),
    ).toEqual({
      status: 'ready',
      statusMessage: null,
      readyAt: now,
    });
  });

  it('records when a preview was destroyed', () => {
    expect(
      statusAfterObservation('destroying', { name: 'x', state: 'absent' }, now),
    ).toMatchObject({
      status: 'destroyed',
      destroyedAt: now,
    });
  });

  it('carries the reason of a degradation', () => {
    expect(
      statusAfterObservation(
        'ready',
        { name: 'x', state: 'degraded', message: 'web-1/web ImagePullBackOff' },
        now,
      ),
    ).toEqual({
      status: 'degraded',
      statusMessage: 'web-1/web ImagePullBackOff',
    });
  });

  it.each([
    ['2026-11-22T00:09:00.000Z', undefined],
    [
      '2026-11-22T00:08:00.000Z',
      'Still terminating after 120 s: NamespaceFinalizersRemaining: example.com/block',
    ],
  ])(
    'names the blockers of a destroy started at %s only after the timeout',
    (since, message) => {
      const change = statusAfterObservation(
        'destroying',
        {
          name: 'x',
          state: 'terminating',
          details: {
            podsReady: 0,
            podsTotal: 0,
            restarts: 0,
            warnings: [],
            blockers: ['NamespaceFinalizersRemaining: example.com/block'],
          },
        },
        now,
        { destroyingSince: since, destroyTimeoutSeconds: 120 },
      );
      expect(change?.statusMessage).toBe(message);
    },
  );

  it('lets a sleeping preview be destroyed and redeployed (a redeploy wakes it), and puts only running ones to sleep', () => {
    expect(DESTROYABLE).toContain('sleeping');
    expect(REDEPLOYABLE).toContain('sleeping');
    expect([...SLEEPABLE].sort()).toEqual(['degraded', 'ready']);
  });

  it('never starts destruction on its own', () => {
    for (const current of [
      'provisioning',
      'ready',
      'degraded',
      'sleeping',
      'failed',
    ] as PreviewStatus[]) {
      for (const state of [
        'available',
        'progressing',
        'degraded',
        'terminating',
        'absent',
      ] as PreviewObservationState[]) {
        const status = statusAfterObservation(
          current,
          { name: 'x', state },
          now,
        )?.status;
        expect(['destroying', 'destroyed']).not.toContain(status);
      }
    }
  });
});

describe('waiting-for-build', () => {
  it.each<PreviewObservationState>([
    'available',
    'progressing',
    'degraded',
    'absent',
    'terminating',
  ])('ignores a %s observation (nothing is deployed yet)', state => {
    expect(
      statusAfterObservation('waiting-for-build', { name: 'x', state }, now),
    ).toBeUndefined();
  });

  it.each([
    [
      { status: 'completed', conclusion: 'success' },
      'provisioning',
      'check build-image succeeded; rolling out',
    ],
    [
      { status: 'completed', conclusion: 'failure' },
      'failed',
      'check build-image concluded failure',
    ],
    [
      { status: 'completed', conclusion: 'cancelled' },
      'failed',
      'check build-image concluded cancelled',
    ],
    [
      { status: 'completed', conclusion: 'timed_out' },
      'failed',
      'check build-image concluded timed_out',
    ],
    [{ status: 'in_progress', conclusion: null }, undefined, undefined],
    [{ status: 'queued', conclusion: null }, undefined, undefined],
  ])('a check %j leads to %s', (check, expected, message) => {
    const change = statusAfterBuildCheck({ name: 'build-image', ...check });
    expect(change?.status).toBe(expected);
    expect(change?.statusMessage).toBe(message);
  });

  it('can be destroyed but not redeployed', () => {
    expect(DESTROYABLE).toContain('waiting-for-build');
    expect(REDEPLOYABLE).not.toContain('waiting-for-build');
  });
});
