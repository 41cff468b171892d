import { tarballResolutions, withTarballs } from '../../adoption/localTarballs';

const tarballs = new Map([
  ['@backstage-previews/plugin-previews', '/tmp/t/previews.tgz'],
  [
    '@backstage-previews/plugin-previews-backend',
    '/tmp/t/previews-backend.tgz',
  ],
  [
    '@backstage-previews/plugin-previews-common',
    '/tmp/dir with space/common.tgz',
  ],
]);

describe('withTarballs', () => {
  it.each([
    [
      'a packed package added to a workspace',
      'yarn --cwd packages/app add @backstage-previews/plugin-previews',
      'yarn --cwd packages/app add @backstage-previews/plugin-previews@file:/tmp/t/previews.tgz',
    ],
    [
      'a packed package with a range: the tarball replaces the range',
      'yarn --cwd packages/backend add @backstage-previews/plugin-previews-backend@^0.3.0',
      'yarn --cwd packages/backend add @backstage-previews/plugin-previews-backend@file:/tmp/t/previews-backend.tgz',
    ],
    [
      'two packages, a flag and a package from npm: only the packed ones change',
      'yarn add -D @backstage-previews/plugin-previews @backstage/plugin-catalog-react',
      'yarn add -D @backstage-previews/plugin-previews@file:/tmp/t/previews.tgz @backstage/plugin-catalog-react',
    ],
    [
      'a path with a space is quoted for the shell',
      'yarn add @backstage-previews/plugin-previews-common',
      "yarn add '@backstage-previews/plugin-previews-common@file:/tmp/dir with space/common.tgz'",
    ],
    [
      'a misspelt package name is left to npm, which refuses it',
      'yarn --cwd packages/app add @backstage-previews/previews',
      'yarn --cwd packages/app add @backstage-previews/previews',
    ],
    [
      'a name before `add` is not an argument of it',
      'yarn workspace @backstage-previews/plugin-previews add lodash',
      'yarn workspace @backstage-previews/plugin-previews add lodash',
    ],
    [
      'a command that adds nothing is unchanged',
      'yarn install',
      'yarn install',
    ],
    [
      'another program is unchanged',
      'npm add @backstage-previews/plugin-previews',
      'npm add @backstage-previews/plugin-previews',
    ],
  ])('%s', (_, command, expected) => {
    expect(withTarballs(command, tarballs)).toBe(expected);
  });
});

describe('tarballResolutions', () => {
  it('points every packed package at its tarball', () => {
    expect(tarballResolutions(tarballs)).toEqual({
      '@backstage-previews/plugin-previews': 'file:/tmp/t/previews.tgz',
      '@backstage-previews/plugin-previews-backend':
        'file:/tmp/t/previews-backend.tgz',
      '@backstage-previews/plugin-previews-common':
        'file:/tmp/dir with space/common.tgz',
    });
  });
});
