import {
  STICKY_MARKER,
  findStickyComment,
  renderSection,
  sectionKeys,
  upsertSection,
} from './stickyComment';

const web = {
  entityRef: 'component:default/web',
  status: 'ready',
  url: 'https://web-pr-1.previews.test',
  sha: 'a'.repeat(40),
};
const api = { entityRef: 'component:default/api', status: 'provisioning' };

describe('sticky comment', () => {
  it('renders a section with markers, status, URL, commit and placeholders', () => {
    const s = renderSection(web);
    expect(s).toMatch(
      /^<!-- backstage-previews:section:component:default\/web:start -->/,
    );
    expect(s).toMatch(
      /<!-- backstage-previews:section:component:default\/web:end -->$/,
    );
    expect(s).toContain('### web');
    expect(s).toContain('**ready**');
    expect(s).toContain('https://web-pr-1.previews.test');
    expect(s).toContain('`aaaaaaaaaaaa`');
    for (const p of ['expiry', 'dependencies', 'seed'])
      expect(s).toContain(`<!-- backstage-previews:${p} -->`);
  });

  it.each([
    ['a new comment', undefined, [web], ['component:default/web']],
    [
      'a second component appended',
      undefined,
      [web, api],
      ['component:default/web', 'component:default/api'],
    ],
    [
      'a section replaced in place',
      undefined,
      [web, api, { ...web, status: 'destroyed' }],
      ['component:default/web', 'component:default/api'],
    ],
  ])('%s', (_name, start, sections, keys) => {
    let body: string | undefined = start;
    for (const s of sections) body = upsertSection(body, s);
    expect(body!.startsWith(STICKY_MARKER)).toBe(true);
    expect(sectionKeys(body!)).toEqual(keys);
  });

  it('changes only its own section', () => {
    const both = upsertSection(upsertSection(undefined, web), api);
    const after = upsertSection(both, {
      ...api,
      status: 'ready',
      url: 'https://api.test',
    });
    expect(after).toContain(renderSection(web));
    expect(after).toContain('https://api.test');
    expect(after.split(STICKY_MARKER)).toHaveLength(2);
  });

  it('does not show the URL of a destroyed preview, and escapes text', () => {
    const s = renderSection({
      ...web,
      status: 'destroyed',
      statusMessage: 'x <script> | y',
    });
    expect(s).not.toContain('https://web-pr-1');
    expect(s).not.toContain('<script>');
  });

  it.each([
    [
      'a link',
      'deploying [review here](https://evil.example)',
      'deploying \\[review here\\]\\(https://evil.example\\)',
    ],
    [
      'an image',
      '![x](https://evil.example/a.png)',
      '\\!\\[x\\]\\(https://evil.example/a.png\\)',
    ],
    [
      'emphasis and code',
      '**urgent** `rm -rf` _now_',
      '\\*\\*urgent\\*\\* \\`rm -rf\\` \\_now\\_',
    ],
    ['a heading and a mention-like text', '# title', '\\# title'],
    [
      'a comparison and a tag',
      'replicas must be <= 10, not <b>1000</b>',
      'replicas must be &lt;= 10, not &lt;b&gt;1000&lt;/b&gt;',
    ],
  ])('shows %s in a status message as text', (_, message, shown) => {
    const s = renderSection({ ...web, statusMessage: message });
    expect(s).toContain(`**ready** – ${shown} |`);
    expect(s).not.toMatch(/[^\\]\]\(/);
  });

  it('shows only URLs that cannot break out of their cell, and keeps its own expiry link', () => {
    const s = renderSection({
      ...web,
      url: 'https://x.test/a)(b](https://evil.example)',
      portalUrl:
        'https://backstage.test/catalog/default/component/web_app/previews',
      expiry:
        '2026-12-02 10:00 UTC – expires soon: extend it in Backstage: https://backstage.test/catalog/default/component/web_app/previews',
    });
    expect(s).toContain('| URL | – |');
    expect(s).toContain(
      '| Backstage | https://backstage.test/catalog/default/component/web_app/previews |',
    );
    expect(s).toContain(
      'extend it in Backstage: https://backstage.test/catalog/default/component/web_app/previews |',
    );
  });

  it('finds the comment by its marker, written by its own identity', () => {
    const bot = { login: 'previews-bot' };
    const comments = [
      { id: 1, body: 'hello', user: bot },
      { id: 2, body: `${STICKY_MARKER}\n## Previews`, user: bot },
      { id: 3, body: null, user: bot },
    ];
    expect(
      findStickyComment(comments, { login: 'previews-bot', appIds: [] })?.id,
    ).toBe(2);
    expect(
      findStickyComment([{ id: 1, body: 'x', user: bot }], {
        login: 'previews-bot',
        appIds: [],
      }),
    ).toBeUndefined();
  });

  it.each([
    [
      'a token user, by login (any case)',
      { login: 'Previews-Bot', appIds: [] },
      3,
    ],
    ['a GitHub App, by the app that posted it', { appIds: [77] }, 4],
    [
      'an identity that wrote none of them',
      { login: 'someone-else', appIds: [5] },
      undefined,
    ],
  ])(
    'ignores a marker copied by another author; finds the one of %s',
    (_, own, expected) => {
      const marker = `${STICKY_MARKER}\n## Previews`;
      const comments = [
        {
          id: 1,
          body: marker,
          user: { login: 'mallory' },
          performed_via_github_app: null,
        },
        {
          id: 2,
          body: marker,
          user: { login: 'other-app[bot]' },
          performed_via_github_app: { id: 99 },
        },
        {
          id: 3,
          body: marker,
          user: { login: 'previews-bot' },
          performed_via_github_app: null,
        },
        {
          id: 4,
          body: marker,
          user: { login: 'previews-app[bot]' },
          performed_via_github_app: { id: 77 },
        },
      ];
      expect(findStickyComment(comments, own)?.id).toBe(expected);
    },
  );
});
