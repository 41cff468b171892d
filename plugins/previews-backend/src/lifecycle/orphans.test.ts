import { findOrphans, sweepRefusal } from './orphans';

const now = new Date('2026-11-22T12:00:00Z');
const old = '2026-11-22T11:00:00Z';

describe('findOrphans', () => {
  it.each([
    [
      'owned by a live preview',
      { name: 'a', previewId: 'live-1', createdAt: old },
      false,
    ],
    [
      'owned by no live preview',
      { name: 'b', previewId: 'gone-1', createdAt: old },
      true,
    ],
    ['without a preview id', { name: 'c', createdAt: old }, false],
    [
      'too young',
      { name: 'd', previewId: 'gone-2', createdAt: '2026-11-22T11:55:00Z' },
      false,
    ],
    ['without a creation time', { name: 'e', previewId: 'gone-3' }, false],
  ])('a namespace %s is an orphan: %s', (_, set, expected) => {
    const own = { ...set, installation: 'inst-a' };
    expect(
      findOrphans([own], [{ id: 'live-1' }], now, 'inst-a').map(o => o.name),
    ).toEqual(expected ? [set.name] : []);
  });

  it.each([
    ['of another installation', 'inst-b'],
    ['without an installation label (from before the label)', undefined],
  ])('a namespace %s is never an orphan of this one', (_, installation) => {
    const set = {
      name: 'f',
      previewId: 'gone-4',
      createdAt: old,
      installation,
    };
    expect(findOrphans([set], [], now, 'inst-a')).toEqual([]);
  });

  it('honours a custom minimum age', () => {
    const set = {
      name: 'd',
      previewId: 'x',
      createdAt: '2026-11-22T11:59:00Z',
      installation: 'inst-a',
    };
    expect(findOrphans([set], [], now, 'inst-a', 0)).toHaveLength(1);
  });
});

describe('sweepRefusal', () => {
  const limits = { maxCount: 10, maxShare: 0.5 };
  it.each<[string, number, number, string | undefined]>([
    ['none', 0, 0, undefined],
    ['a few among many', 3, 40, undefined],
    ['exactly the count', 10, 40, undefined],
    [
      'one over the count',
      11,
      100,
      '11 orphans is more than orphanSweep.maxCount (10); nothing was deleted',
    ],
    ['exactly half', 2, 4, undefined],
    [
      'more than half',
      3,
      4,
      '3 of 4 managed previews would be orphans, more than orphanSweep.maxShare (0.5); nothing was deleted',
    ],
    [
      'all of them (an emptied database)',
      5,
      5,
      '5 of 5 managed previews would be orphans, more than orphanSweep.maxShare (0.5); nothing was deleted',
    ],
  ])('%s: %d orphans of %d', (_, orphans, managed, refusal) => {
    expect(sweepRefusal(orphans, managed, limits)).toBe(refusal);
  });
});
