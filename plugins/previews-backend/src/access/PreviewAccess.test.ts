import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { DatabasePreviewsStore } from '../database/DatabasePreviewsStore';
import { DatabaseAccessStore } from '../database/DatabaseAccessStore';
import { accessSettingsFromConfig } from './accessSettings';
import { PreviewAccess } from './PreviewAccess';
import { ConfigReader } from '@backstage/config';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});
jest.setTimeout(60_000);

const ID = '0b6f3c5e-1111-4222-8333-944455556666';
const OTHER = '0b6f3c5e-1111-4222-8333-944455557777';
const URL_OF = (name: string) => `http://${name}.previews.localhost:7080/`;
const preview = (over: Partial<Preview> = {}): Preview =>
  ({
    id: ID,
    name: 'shop-feature-x-1a2b3c4d',
    entityRef: 'component:default/shop',
    branch: 'feature/x',
    engine: 'kubernetes',
    namespace: 'shop-feature-x-1a2b3c4d',
    status: 'ready',
    url: URL_OF('shop-feature-x-1a2b3c4d'),
    createdAt: '2026-12-01T00:00:00.000Z',
    expiresAt: '2026-12-04T00:00:00.000Z',
    ...over,
  } as Preview);

const settings = (mode = 'portal') =>
  accessSettingsFromConfig(new ConfigReader({ access: { mode } }), {
    internalBaseUrl: 'http://backstage.internal:7007/api/previews',
    externalBaseUrl: 'https://portal.example/api/previews',
    appBaseUrl: 'https://portal.example',
  });

describe.each<[TestDatabaseId]>([['SQLITE_3'], ['POSTGRES_15']])(
  'PreviewAccess on %s',
  databaseId => {
    let now: Date;
    let previews: Map<string, Preview>;
    let knex: Awaited<ReturnType<typeof databases.init>>;
    const wake = jest.fn(async (_id: string, _by: string) => undefined);
    const recordEvent = jest.fn(async () => undefined);

    async function createAccess(mode = 'portal') {
      knex = await databases.init(databaseId);
      await DatabasePreviewsStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      now = new Date('2026-12-03T12:00:00.000Z');
      previews = new Map([
        [ID, preview()],
        [
          OTHER,
          preview({
            id: OTHER,
            name: 'other-main-9f8e7d6c',
            url: URL_OF('other-main-9f8e7d6c'),
          }),
        ],
      ]);
      wake.mockClear();
      recordEvent.mockClear();
      return new PreviewAccess({
        settings: settings(mode),
        store: new DatabaseAccessStore(knex),
        previews: {
          get: async id => {
            const p = previews.get(id);
            if (!p) throw new NotFoundError(`No preview ${id}`);
            return p;
          },
        },
        wake,
        recordEvent,
        logger: mockServices.logger.mock(),
        now: () => now,
      });
    }
    const cookieOf = (setCookie: string | undefined) =>
      setCookie?.split(';')[0];

    it('Open gives a URL whose token is traded for a session cookie on that preview only', async () => {
      const access = await createAccess();
      const opened = await access.open(preview());
      expect(
        opened.url.startsWith(
          `${URL_OF('shop-feature-x-1a2b3c4d')}?previews_token=`,
        ),
      ).toBe(true);
      expect(opened.expiresAt).toBe('2026-12-03T12:05:00.000Z');

      expect(await access.check(ID, {})).toEqual({
        allow: false,
        reason: 'no credential',
      });
      const first = await access.check(ID, { originalUrl: opened.url });
      expect(first).toMatchObject({ allow: true, via: 'open' });
      const cookie = cookieOf((first as { setCookie?: string }).setCookie);
      expect((first as { setCookie?: string }).setCookie).toMatch(
        /; Max-Age=28800; HttpOnly; SameSite=Lax$/,
      );
      expect(await access.check(ID, { cookie })).toEqual({
        allow: true,
        via: 'session',
      });
      // Bound to the preview, not to a portal session: useless on another one.
      expect(await access.check(OTHER, { cookie })).toEqual({
        allow: false,
        reason: 'no credential',
      });
      expect(await access.check(OTHER, { originalUrl: opened.url })).toEqual({
        allow: false,
        reason: 'no credential',
      });
      // Open's token is not a cookie, and it stops working after its minutes.
      expect(
        await access.check(ID, {
          cookie: `previews_access=${new URL(opened.url).searchParams.get(
            'previews_token',
          )}`,
        }),
      ).toMatchObject({ allow: false });
      now = new Date('2026-12-03T12:05:01.000Z');
      expect(await access.check(ID, { originalUrl: opened.url })).toMatchObject(
        { allow: false },
      );
      expect(await access.check(ID, { cookie })).toEqual({
        allow: true,
        via: 'session',
      });
      now = new Date('2026-12-03T20:00:01.000Z');
      expect(await access.check(ID, { cookie })).toMatchObject({
        allow: false,
      });
    });

    it('public URLs: Open gives the plain URL; share links and bypass tokens are refused', async () => {
      const access = await createAccess('public');
      expect(await access.open(preview())).toEqual({
        url: URL_OF('shop-feature-x-1a2b3c4d'),
      });
      await expect(
        access.createShareLink(preview(), {}, 'user:default/ada'),
      ).rejects.toThrow(/public/);
      await expect(
        access.rotateBypassToken(preview(), 'user:default/ada'),
      ).rejects.toThrow(/public/);
    });

    it('a share link works until revoked, at once, and is listed with its creator', async () => {
      const access = await createAccess();
      const link = await access.createShareLink(
        preview(),
        { hours: 2, note: 'for the agency' },
        'user:default/ada',
      );
      expect(link).toMatchObject({
        previewId: ID,
        createdBy: 'user:default/ada',
        expiresAt: '2026-12-03T14:00:00.000Z',
        note: 'for the agency',
      });
      const viaLink = await access.check(ID, { originalUrl: link.url });
      expect(viaLink).toMatchObject({ allow: true, via: 'share' });
      const cookie = cookieOf((viaLink as { setCookie?: string }).setCookie);
      expect((viaLink as { setCookie?: string }).setCookie).toContain(
        'Max-Age=7200',
      );
      expect(await access.check(ID, { cookie })).toEqual({
        allow: true,
        via: 'share',
      });

      const [listed] = await access.listShareLinks(ID);
      expect(listed).toEqual({
        id: link.id,
        previewId: ID,
        createdBy: 'user:default/ada',
        createdAt: link.createdAt,
        expiresAt: link.expiresAt,
        note: 'for the agency',
      });
      expect(JSON.stringify(listed)).not.toContain('previews_token');

      await expect(
        access.revokeShareLink(OTHER, link.id, 'user:default/bob'),
      ).rejects.toThrow(NotFoundError);
      const revoked = await access.revokeShareLink(
        ID,
        link.id,
        'user:default/bob',
      );
      expect(revoked).toMatchObject({
        revokedBy: 'user:default/bob',
        revokedAt: '2026-12-03T12:00:00.000Z',
      });
      expect(await access.check(ID, { cookie })).toMatchObject({
        allow: false,
      });
      expect(await access.check(ID, { originalUrl: link.url })).toMatchObject({
        allow: false,
      });
      expect(recordEvent.mock.calls.map(c => (c as unknown[])[1])).toEqual([
        expect.objectContaining({
          type: 'share-link-created',
          actor: 'user:default/ada',
        }),
        expect.objectContaining({
          type: 'share-link-revoked',
          actor: 'user:default/bob',
        }),
      ]);
    });

    it('a share link ends with its preview, and lasts no longer than allowed', async () => {
      const access = await createAccess();
      const link = await access.createShareLink(
        preview({ expiresAt: '2026-12-03T13:00:00.000Z' }),
        { hours: 48 },
        'user:default/ada',
      );
      expect(link.expiresAt).toBe('2026-12-03T13:00:00.000Z');
      now = new Date('2026-12-03T13:00:01.000Z');
      expect(await access.check(ID, { originalUrl: link.url })).toMatchObject({
        allow: false,
      });
      await expect(
        access.createShareLink(
          preview(),
          { hours: 24 * 8 },
          'user:default/ada',
        ),
      ).rejects.toThrow(/at most 168 hours/);
      await expect(
        access.createShareLink(preview(), { hours: 0 }, 'user:default/ada'),
      ).rejects.toThrow(/more than 0/);
      expect(await access.listShareLinks(ID)).toHaveLength(1);
    });

    it('a bypass token works in its header until rotated; only its hash is stored', async () => {
      const access = await createAccess();
      const first = await access.rotateBypassToken(
        preview(),
        'user:default/ada',
      );
      expect(first.header).toBe('x-previews-bypass');
      expect(await access.check(ID, { bypassToken: first.token })).toEqual({
        allow: true,
        via: 'bypass',
      });
      expect(
        await access.check(OTHER, { bypassToken: first.token }),
      ).toMatchObject({ allow: false });
      const second = await access.rotateBypassToken(
        preview(),
        'user:default/ada',
      );
      expect(
        await access.check(ID, { bypassToken: first.token }),
      ).toMatchObject({ allow: false });
      expect(await access.check(ID, { bypassToken: second.token })).toEqual({
        allow: true,
        via: 'bypass',
      });
      const rows = await knex('preview_bypass_tokens').select();
      expect(JSON.stringify(rows)).not.toContain(second.token);
    });

    it('a smoke test run’s token works in the bypass header for its preview until it expires, never from a URL or cookie', async () => {
      const access = await createAccess();
      const run = (await access.testBypass(ID, 600))!;
      expect(run.header).toBe('x-previews-bypass');
      expect(await access.check(ID, { bypassToken: run.token })).toEqual({
        allow: true,
        via: 'bypass',
      });
      expect(
        await access.check(OTHER, { bypassToken: run.token }),
      ).toMatchObject({ allow: false });
      // Rotating the preview's own bypass token leaves a running test alone.
      await access.rotateBypassToken(preview(), 'user:default/ada');
      expect(await access.check(ID, { bypassToken: run.token })).toEqual({
        allow: true,
        via: 'bypass',
      });
      expect(
        await access.check(ID, {
          originalUrl: `${URL_OF('shop-feature-x-1a2b3c4d')}?previews_token=${
            run.token
          }`,
        }),
      ).toMatchObject({ allow: false });
      expect(
        await access.check(ID, { cookie: `previews_access=${run.token}` }),
      ).toMatchObject({ allow: false });
      now = new Date(now.getTime() + 601_000);
      expect(await access.check(ID, { bypassToken: run.token })).toMatchObject({
        allow: false,
      });
      expect(
        await (await createAccess('public')).testBypass(ID, 600),
      ).toBeUndefined();
    });

    it('a request with a credential wakes a sleeping preview and gets the wake page; one without never does', async () => {
      const access = await createAccess();
      previews.set(ID, preview({ status: 'sleeping' }));
      expect(await access.check(ID, {})).toEqual({
        allow: false,
        reason: 'no credential',
      });
      expect(
        await access.signin(
          ID,
          `/access/signin/${ID}?rd=${URL_OF('shop-feature-x-1a2b3c4d')}`,
          false,
        ),
      ).toEqual({
        redirect:
          'https://portal.example/catalog/default/component/shop/previews',
      });
      expect(wake).not.toHaveBeenCalled();

      const { url } = await access.open(preview());
      expect(await access.check(ID, { originalUrl: url })).toEqual({
        allow: false,
        reason: 'waking',
      });
      await new Promise(r => setImmediate(r));
      expect(wake).toHaveBeenCalledTimes(1);
      expect(wake).toHaveBeenCalledWith(ID, 'portal session');
      previews.set(
        ID,
        preview({ status: 'provisioning', statusMessage: 'waking up' }),
      );
      const page = await access.signin(
        ID,
        `/access/signin/${ID}?rd=${url}`,
        false,
      );
      expect(page).toEqual({
        html: expect.stringContaining('Waking up shop-feature-x-1a2b3c4d'),
      });
      expect((page as { html: string }).html).toContain(
        `https://portal.example/api/previews/access/signin/${ID}?woke=1&amp;rd=${encodeURIComponent(
          url,
        )}`,
      );

      // Pods coming up change the status message: the page keeps waiting for ready.
      previews.set(
        ID,
        preview({
          status: 'provisioning',
          statusMessage: 'rollout: 0 of 1 available',
        }),
      );
      expect(
        await access.signin(
          ID,
          `/access/signin/${ID}?woke=1&rd=${encodeURIComponent(url)}`,
          true,
        ),
      ).toEqual({ html: expect.any(String) });
      previews.set(ID, preview({ status: 'ready' }));
      expect(
        await access.signin(
          ID,
          `/access/signin/${ID}?woke=1&rd=${encodeURIComponent(url)}`,
          true,
        ),
      ).toEqual({ redirect: url });
      expect(await access.check(ID, { originalUrl: url })).toMatchObject({
        allow: true,
      });
      expect(recordEvent).toHaveBeenCalledWith(
        ID,
        expect.objectContaining({ type: 'woken-by-request' }),
      );
    });

    it('a preview that is gone lets nothing through and says so', async () => {
      const access = await createAccess();
      const { url } = await access.open(preview());
      previews.set(ID, preview({ status: 'destroyed' }));
      expect(await access.check(ID, { originalUrl: url })).toEqual({
        allow: false,
        reason: 'gone',
      });
      expect(await access.check('not-an-id', {})).toEqual({
        allow: false,
        reason: 'gone',
      });
      expect(await access.signin(ID, '/s', true)).toEqual({
        gone: expect.any(String),
      });
    });
  },
);
