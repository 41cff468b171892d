import { InputError } from '@backstage/errors';
import { renderImage } from './renderImage';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('renderImage', () => {
  it.each([
    ['img:{branch}', 'feature/Login', undefined, 'img:feature-login'],
    ['img:latest', 'feature/Login', undefined, 'img:latest'],
    ['img:{branch}-{branch}', 'a', undefined, 'img:a-a'],
    ['img:{branch}', '日本', undefined, 'img:unnamed'],
    ['img:{branch}', 'x'.repeat(200), undefined, `img:${'x'.repeat(128)}`],
    ['img:{sha}', 'main', SHA, `img:${SHA}`],
    ['img:{shortSha}', 'main', SHA, 'img:0123456'],
    [
      'img:{branch}-{shortSha}',
      'feat/A',
      SHA.toUpperCase(),
      'img:feat-a-0123456',
    ],
    ['img@sha256:{sha}', 'main', SHA, `img@sha256:${SHA}`],
    ['img:{branch}', 'main', SHA, 'img:main'],
  ])('%s at %s (%s) → %s', (template, branch, sha, expected) => {
    expect(renderImage(template, { branch, sha })).toBe(expected);
  });

  it.each([
    [
      'img:{sha}',
      undefined,
      'image of workload web uses {sha} but the commit SHA of branch feature/x is unknown',
    ],
    [
      'img:{shortSha}',
      undefined,
      'image of workload web uses {shortSha} but the commit SHA of branch feature/x is unknown',
    ],
    [
      'img:{sha}',
      'not-a-sha',
      'image of workload web uses {sha} but "not-a-sha" is not a commit SHA',
    ],
  ])(
    '%s without a usable sha (%s) is an InputError',
    (template, sha, message) => {
      const render = () =>
        renderImage(template, { branch: 'feature/x', sha, workload: 'web' });
      expect(render).toThrow(InputError);
      expect(render).toThrow(message);
    },
  );
});
