import { Preview } from '@backstage-previews/plugin-previews-common';
import { InMemoryPreviewsApi } from '../__testUtils__/InMemoryPreviewsApi';
import { defaultT } from '../__testUtils__/translations';
import { actionAvailability, PreviewAction } from './previewActionRules';

const t = defaultT();

const now = new Date('2025-01-10T12:00:00Z');
const all = { create: true, update: true, delete: true, loading: false };
const base = InMemoryPreviewsApi.preview({
  branch: 'feature/cart',
  expiresAt: '2025-01-10T17:00:00Z',
  maxExpiresAt: '2025-01-12T12:00:00Z',
  seed: { phase: 'ready', version: 'v1' },
});
const p = (changes: Partial<Preview>): Preview => ({ ...base, ...changes });

describe('actionAvailability', () => {
  it.each<[PreviewAction, Partial<Preview>, string | undefined]>([
    ['extend', {}, undefined],
    [
      'extend',
      { maxExpiresAt: '2025-01-10T17:30:00Z' },
      'Already at its maximum lifetime',
    ],
    [
      'extend',
      { keep: true, expiresAt: undefined },
      'Kept: it does not expire',
    ],
    ['extend', { status: 'destroying' }, 'The preview is being destroyed'],
    ['keep', { status: 'failed' }, undefined],
    ['redeploy', { status: 'failed' }, undefined],
    ['redeploy', { status: 'sleeping' }, 'Wake the preview first'],
    ['reseed', {}, undefined],
    ['reseed', { seed: undefined }, 'The preview has no database'],
    ['reseed', { seed: { phase: 'none' } }, 'The preview has no database'],
    [
      'reseed',
      { seed: { phase: 'migrating' } },
      'Seeding is under way (migrating)',
    ],
    ['reseed', { seed: { phase: 'failed', failedStep: 'seeding' } }, undefined],
    ['sleep', {}, undefined],
    ['sleep', { status: 'degraded' }, undefined],
    [
      'sleep',
      { status: 'provisioning' },
      'Only a ready or degraded preview can sleep (it is provisioning)',
    ],
    ['wake', { status: 'sleeping' }, undefined],
    ['wake', {}, 'The preview is not sleeping'],
    ['destroy', { status: 'failed' }, undefined],
    ['destroy', { status: 'destroyed' }, 'The preview is destroyed'],
  ])('%s of a preview with %j: %s', (action, changes, reason) => {
    expect(actionAvailability(t, action, p(changes), all, now)).toEqual(
      reason ? { enabled: false, reason } : { enabled: true },
    );
  });

  it('refuses by permission before looking at the state', () => {
    const noUpdate = { ...all, update: false };
    expect(actionAvailability(t, 'extend', p({}), noUpdate, now)).toEqual({
      enabled: false,
      reason: 'You are not allowed to update previews of this component',
    });
    expect(actionAvailability(t, 'destroy', p({}), noUpdate, now)).toEqual({
      enabled: true,
    });
    expect(
      actionAvailability(t, 'destroy', p({}), { ...all, delete: false }, now),
    ).toMatchObject({
      enabled: false,
      reason: 'You are not allowed to delete previews of this component',
    });
    expect(
      actionAvailability(t, 'keep', p({}), { ...all, loading: true }, now),
    ).toMatchObject({
      enabled: false,
    });
  });
});
