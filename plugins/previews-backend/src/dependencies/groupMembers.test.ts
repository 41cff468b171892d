import { PreviewDependency } from '@backstage-previews/plugin-previews-common';
import { groupMembers } from './groupMembers';

const to = (previewId: string): PreviewDependency => ({
  entityRef: 'component:default/x',
  env: 'X_URL',
  target: 'preview',
  previewId,
  url: 'http://x',
});
const staging: PreviewDependency = {
  entityRef: 'component:default/x',
  env: 'X_URL',
  target: 'staging',
  url: 'https://s',
};

describe('groupMembers', () => {
  it.each<
    [
      string,
      Array<{ id: string; branch: string; dependencies?: PreviewDependency[] }>,
      string[],
    ]
  >([
    [
      'nobody without wiring',
      [
        { id: 'a', branch: 'b' },
        { id: 'c', branch: 'b', dependencies: [staging] },
      ],
      [],
    ],
    [
      'both ends of a wire on the branch',
      [
        { id: 'a', branch: 'b', dependencies: [to('c')] },
        { id: 'c', branch: 'b' },
        { id: 'd', branch: 'b' },
      ],
      ['a', 'c'],
    ],
    [
      'a cycle once',
      [
        { id: 'a', branch: 'b', dependencies: [to('c')] },
        { id: 'c', branch: 'b', dependencies: [to('a')] },
      ],
      ['a', 'c'],
    ],
    [
      'not a wire to another branch',
      [
        { id: 'a', branch: 'b', dependencies: [to('c')] },
        { id: 'c', branch: 'other' },
      ],
      [],
    ],
    [
      'not a wire to a preview that is not live any more',
      [{ id: 'a', branch: 'b', dependencies: [to('gone')] }],
      [],
    ],
    [
      'not a wire to itself',
      [{ id: 'a', branch: 'b', dependencies: [to('a')] }],
      [],
    ],
  ])('%s', (_, previews, expected) => {
    expect([...groupMembers(previews, 'b')].sort()).toEqual(expected);
  });
});
