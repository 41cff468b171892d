import { mockServices } from '@backstage/backend-test-utils';
import type { StoredPreview } from '../../types';
import { FakeJira } from '@backstage-previews/test/jira/fakeJira';
import { ConfigReader } from '@backstage/config';
import {
  JiraLinker,
  globalIdOf,
  issueKeysOf,
  jiraOptionsFromConfig,
} from './JiraLinker';

describe('issueKeysOf', () => {
  it.each([
    [
      ['feature/SHOP-12-search', 'SHOP-12 and OPS-7: search'],
      ['SHOP', 'OPS'],
      ['SHOP-12', 'OPS-7'],
    ],
    [['feature/SHOP-12-search', 'OPS-7 too'], ['SHOP'], ['SHOP-12']],
    [['feature/SHOP-12-search'], [], []], // no projects: no links
    [['fix-typo', undefined], ['SHOP'], []],
    [['xSHOP-1', 'shop-2', 'A-1'], ['SHOP', 'A'], []],
  ])('%j with %j', (texts, projects, keys) => {
    expect(issueKeysOf(texts as string[], projects as string[])).toEqual(keys);
  });
});

describe('jiraOptionsFromConfig', () => {
  it('needs the projects whose issues get links', () => {
    expect(() =>
      jiraOptionsFromConfig(
        new ConfigReader({ baseUrl: 'https://acme.atlassian.net', token: 't' }),
      ),
    ).toThrow(/Missing config previews.jira.projectKeys/);
    expect(
      jiraOptionsFromConfig(
        new ConfigReader({
          baseUrl: 'https://acme.atlassian.net/',
          token: 't',
          projectKeys: ['SHOP'],
        }),
      ),
    ).toMatchObject({
      baseUrl: 'https://acme.atlassian.net',
      projectKeys: ['SHOP'],
    });
  });
});

describe('JiraLinker', () => {
  const jira = new FakeJira();
  let linker: JiraLinker;
  const logger = mockServices.logger.mock();
  const preview: StoredPreview = {
    id: '00000000-0000-4000-8000-0000000000aa',
    entityRef: 'component:default/shop',
    branch: 'feature/SHOP-7-cart',
    engine: 'kubernetes',
    name: 'shop-feature-shop-7-cart-1234',
    namespace: 'shop-feature-shop-7-cart-1234',
    status: 'ready',
    url: 'https://shop-7.previews.test',
    sha: 'a'.repeat(40),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    readyAt: '2026-01-01T00:01:00.000Z',
    pullRequest: { number: 7, title: 'SHOP-8: cart' },
  };

  beforeAll(async () => {
    await jira.start();
    jira.addIssue('SHOP-7');
    jira.addIssue('SHOP-8');
    linker = new JiraLinker(
      {
        baseUrl: jira.url,
        token: 'pat',
        projectKeys: ['SHOP'],
        timeoutMs: 2000,
      },
      logger,
    );
  });
  afterAll(() => jira.stop());

  it('creates one link per issue when ready and updates it (never duplicates) when destroyed', async () => {
    await linker.onStatusChange(preview, 'provisioning');
    await linker.onStatusChange(preview, 'degraded'); // ready again: same link
    for (const key of ['SHOP-7', 'SHOP-8']) {
      expect(jira.links(key)).toHaveLength(1);
      expect(jira.links(key)[0]).toMatchObject({
        globalId: globalIdOf(preview),
        object: {
          url: 'https://shop-7.previews.test',
          status: { resolved: false },
        },
      });
    }
    expect(jira.requests[0].authorization).toBe('Bearer pat');

    await linker.onStatusChange({ ...preview, status: 'destroying' }, 'ready');
    await linker.onStatusChange(
      { ...preview, status: 'destroyed' },
      'destroying',
    );
    const [link] = jira.links('SHOP-7');
    expect(jira.links('SHOP-7')).toHaveLength(1);
    expect(link.object.title).toContain('(destroyed)');
    expect(link.object.status).toEqual({ resolved: true });
    expect(jira.requests.filter(r => r.method === 'POST')).toHaveLength(6);
  });

  it('ignores other statuses and previews that never were ready', async () => {
    const before = jira.requests.length;
    await linker.onStatusChange(
      { ...preview, status: 'provisioning' },
      undefined,
    );
    await linker.onStatusChange(
      { ...preview, status: 'destroyed', readyAt: undefined },
      'waiting-for-build',
    );
    expect(jira.requests.length).toBe(before);
  });

  it('logs Jira errors and unknown issues without throwing', async () => {
    jira.fail(1, 503);
    const other = {
      ...preview,
      id: '00000000-0000-4000-8000-0000000000bb',
      branch: 'SHOP-999-nope',
    };
    await expect(
      linker.onStatusChange(other, 'provisioning'),
    ).resolves.toBeUndefined();
    expect(await linker.link(other)).toEqual(['SHOP-8']); // SHOP-999 does not exist
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('SHOP-999'),
    );
    const down = new JiraLinker(
      {
        baseUrl: 'http://127.0.0.1:1',
        token: 't',
        projectKeys: ['SHOP'],
        timeoutMs: 500,
      },
      logger,
    );
    await expect(down.link(preview)).resolves.toEqual([]);
  });
});
