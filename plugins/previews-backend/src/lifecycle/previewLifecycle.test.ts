import { PreviewStatus } from '@backstage-previews/plugin-previews-common';
import { PreviewObservationState } from '@backstage-previews/plugin-previews-node';
import { statusAfterObservation } from './previewLifecycle';

const now = '2026-11-22T00:00:00.000Z';

describe('statusAfterObservation', () => {
  it.each<[PreviewStatus, PreviewObservationState, string | undefined, PreviewStatus | undefined]>([
    ['provisioning', 'available', undefined, 'ready'],
    ['provisioning', 'progressing', '0/1 replicas ready', 'provisioning'],
    ['provisioning', 'failed', 'deadline', 'failed'],
    ['provisioning', 'absent', undefined, 'failed'],
    ['ready', 'available', undefined, undefined],
    ['ready', 'progressing', '1/2 replicas ready', undefined],
    ['ready', 'failed', 'crash', 'failed'],
    ['ready', 'absent', undefined, 'failed'],
    ['failed', 'available', undefined, 'ready'],
    ['failed', 'progressing', undefined, undefined],
    ['failed', 'failed', undefined, undefined],
    ['destroying', 'available', undefined, undefined],
    ['destroying', 'progressing', undefined, undefined],
    ['destroying', 'failed', undefined, undefined],
    ['destroying', 'absent', undefined, 'destroyed'],
    ['destroyed', 'available', undefined, undefined],
    ['destroyed', 'absent', undefined, undefined],
  ])('%s + %s (%s) → %s', (current, state, message, expected) => {
    const change = statusAfterObservation(current, { name: 'x', state, message }, now);
    expect(change?.status).toBe(expected);
  });

  it('records when a preview became ready and clears the old message', () => {
    expect(statusAfterObservation('provisioning', { name: 'x', state: 'available' }, now)).toEqual({
      status: 'ready',
      statusMessage: null,
      readyAt: now,
    });
  });

  it('records when a preview was destroyed', () => {
    expect(statusAfterObservation('destroying', { name: 'x', state: 'absent' }, now)).toMatchObject({
      status: 'destroyed',
      destroyedAt: now,
    });
  });

  it('carries the reason of a failure', () => {
    expect(
      statusAfterObservation('ready', { name: 'x', state: 'failed', message: 'ImagePullBackOff' }, now),
    ).toEqual({ status: 'failed', statusMessage: 'ImagePullBackOff' });
  });

  it('never starts destruction on its own', () => {
    for (const current of ['provisioning', 'ready', 'failed'] as PreviewStatus[]) {
      for (const state of ['available', 'progressing', 'failed', 'absent'] as PreviewObservationState[]) {
        const status = statusAfterObservation(current, { name: 'x', state }, now)?.status;
        expect(['destroying', 'destroyed']).not.toContain(status);
      }
    }
  });
});
