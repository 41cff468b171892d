import { bulkDestroyIds } from './bulkDestroy';

const id = (n: number) =>
  `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

describe('bulkDestroyIds', () => {
  it('keeps distinct preview ids in order', () => {
    expect(bulkDestroyIds([id(2), id(1), id(2)])).toEqual([id(2), id(1)]);
  });

  it.each([
    [undefined, /list of 1 to 100/],
    ['x', /list of 1 to 100/],
    [[], /list of 1 to 100/],
    [Array.from({ length: 101 }, (_, i) => id(i)), /list of 1 to 100/],
    [[id(1), 'nope'], /ids\[1\] is not a preview id: "nope"/],
    [[id(1), 7], /ids\[1\] is not a preview id: 7/],
    [["1' OR '1'='1"], /ids\[0\] is not a preview id/],
    [
      ['0000000a-0000-4000-8000-00000000000b'.toUpperCase()],
      /ids\[0\] is not a preview id/,
    ],
  ])('refuses %j', (ids, message) => {
    expect(() => bulkDestroyIds(ids)).toThrow(message);
  });
});
