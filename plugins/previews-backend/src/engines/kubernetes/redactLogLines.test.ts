import { REDACTED, redactLogLines } from './redactLogLines';

describe('redactLogLines', () => {
  const password = 'Zq7-xK2pLm9_wQ4rT8vY1sN3';
  it.each([
    [
      'a password printed as is',
      `psql: password ${password} rejected`,
      `psql: password ${REDACTED} rejected`,
    ],
    [
      'the password twice',
      `${password}:${password}`,
      `${REDACTED}:${REDACTED}`,
    ],
    [
      'a connection URL of the preview',
      `could not connect to postgresql://preview:${password}@postgres:5432/app`,
      `could not connect to postgresql://preview:${REDACTED}@postgres:5432/app`,
    ],
    [
      'a URL with credentials the preview does not know',
      'fetch https://deploy:ghp_abcdef123456@registry.example/dump.sql failed',
      `fetch https://deploy:${REDACTED}@registry.example/dump.sql failed`,
    ],
    [
      'a URL without credentials',
      'GET https://example.test/dump.sql 404',
      'GET https://example.test/dump.sql 404',
    ],
    [
      'a user@host that is no URL',
      'ERROR: role preview@postgres: x',
      'ERROR: role preview@postgres: x',
    ],
    [
      'an unrelated line',
      'ERROR:  relation "orders" does not exist',
      'ERROR:  relation "orders" does not exist',
    ],
  ])('%s', (_, line, expected) => {
    expect(redactLogLines([line], [password])).toEqual([expected]);
  });

  it('replaces a value that contains another whole, and leaves values too short to be secrets', () => {
    expect(
      redactLogLines(
        ['token abcdef123456 and abcdef'],
        ['abcdef', 'abcdef123456', '1'],
      ),
    ).toEqual([`token ${REDACTED} and ${REDACTED}`]);
    expect(redactLogLines(['exit 1'], ['1'])).toEqual(['exit 1']);
  });
});
