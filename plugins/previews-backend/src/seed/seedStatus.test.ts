import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { initialSeed, isNewSeed, seedAfterRedeploy } from './seedStatus';
import { seedColumns, seedFields } from '../database/tables';

const withPg: PreviewSpec = {
  workloads: [{ name: 'api', image: 'x' }],
  databases: { postgres: {} },
};
const without: PreviewSpec = {
  workloads: [{ name: 'api', image: 'x' }],
  databases: { redis: {} },
};

describe('seed columns', () => {
  it('round-trips a seed status and generation through the row', () => {
    const seed = {
      phase: 'failed' as const,
      failedStep: 'migrating' as const,
      generation: 3,
      logTail: ['a', 'b'],
    };
    expect(seedFields(seedColumns({ seed, seedGeneration: 3 }))).toEqual({
      seed,
      seedGeneration: 3,
    });
  });

  it.each([
    ['no columns (a preview from before databases)', {}],
    ['unreadable JSON', { seed: '{oops' }],
    ['JSON without a phase', { seed: '{"x":1}' }],
  ])('gives seed none and generation 1 for %s', (_, row) => {
    expect(seedFields(row)).toEqual({
      seed: { phase: 'none' },
      seedGeneration: 1,
    });
  });

  it('starts pending with PostgreSQL, none without', () => {
    expect(initialSeed(withPg)).toEqual({ phase: 'pending', generation: 1 });
    expect(initialSeed(without)).toEqual({ phase: 'none' });
  });

  it.each([
    [
      'a database added',
      { phase: 'none' as const },
      withPg,
      { phase: 'pending', generation: 2 },
    ],
    [
      'a database removed',
      { phase: 'ready' as const, generation: 2 },
      without,
      { phase: 'none' },
    ],
    [
      'still a database',
      { phase: 'ready' as const, generation: 2 },
      withPg,
      undefined,
    ],
    ['still none', { phase: 'none' as const }, without, undefined],
  ])('after a redeploy with %s', (_, current, spec, expected) => {
    expect(seedAfterRedeploy(current, spec, 2)).toEqual(expected);
  });

  it.each([
    [
      'a change of the current generation',
      { phase: 'seeding' as const, generation: 2 },
      true,
    ],
    ['the same status', { phase: 'pending' as const, generation: 2 }, false],
    [
      'an older generation (Jobs before the reseed)',
      { phase: 'ready' as const, generation: 1 },
      false,
    ],
    ['nothing observed', undefined, false],
  ])(
    'an observation with %s replaces the stored status: %s',
    (_, observed, replaces) => {
      expect(isNewSeed({ phase: 'pending', generation: 2 }, observed, 2)).toBe(
        replaces,
      );
    },
  );
});
