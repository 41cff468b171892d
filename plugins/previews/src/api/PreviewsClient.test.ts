import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { errorMessage } from '../components/format';
import { PreviewsClient } from './PreviewsClient';

const baseUrl = 'http://backstage.test/api/previews';

const preview: Preview = {
  id: 'a1b2',
  entityRef: 'component:default/shop',
  branch: 'feature/cart',
  engine: 'kubernetes',
  name: 'shop-feature-cart',
  namespace: 'shop-feature-cart',
  status: 'provisioning',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

interface Recorded {
  method: string;
  url: string;
  contentType: string | null;
  body: string;
}

describe('PreviewsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  let requests: Recorded[];
  beforeEach(() => {
    requests = [];
  });

  /** Answers every request with the given status and JSON body, recording it. */
  const answer = (status: number, body: object) => {
    server.use(
      rest.all(`${baseUrl}/*`, async (req, res, ctx) => {
        requests.push({
          method: req.method,
          url: req.url.href.slice(baseUrl.length),
          contentType: req.headers.get('content-type'),
          body: await req.text(),
        });
        return res(ctx.status(status), ctx.json(body));
      }),
    );
  };

  const makeClient = () => {
    const discovered: string[] = [];
    const client = new PreviewsClient({
      discoveryApi: {
        getBaseUrl: async (pluginId: string) => {
          discovered.push(pluginId);
          return baseUrl;
        },
      },
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return { client, discovered };
  };

  it('lists the previews of an entity', async () => {
    answer(200, { items: [preview] });
    const { client, discovered } = makeClient();

    await expect(
      client.listPreviews({ entityRef: 'component:default/shop' }),
    ).resolves.toEqual({ items: [preview] });
    await client.listPreviews({
      entityRef: 'component:default/shop',
      includeDestroyed: true,
    });

    expect(discovered).toEqual(['previews', 'previews']);
    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /previews?entityRef=component%3Adefault%2Fshop',
      'GET /previews?entityRef=component%3Adefault%2Fshop&includeDestroyed=true',
    ]);
  });

  it('lists branches and pull requests with search and page, and creates a preview of a pull request', async () => {
    answer(200, {
      items: [{ kind: 'branch', branch: 'main' }],
      hasMore: false,
      page: 2,
    });
    const { client } = makeClient();
    await expect(
      client.listBranches({
        entityRef: 'component:default/shop',
        q: 'cart',
        page: 2,
      }),
    ).resolves.toMatchObject({ items: [{ branch: 'main' }], page: 2 });
    await client.createPreview({
      entityRef: 'component:default/shop',
      pullRequest: 12,
    });
    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /branches?entityRef=component%3Adefault%2Fshop&q=cart&page=2',
      'POST /previews',
    ]);
    expect(JSON.parse(requests[1].body)).toEqual({
      entityRef: 'component:default/shop',
      pullRequest: 12,
    });
  });

  it('creates a preview with a JSON body', async () => {
    answer(201, preview);
    const { client } = makeClient();

    await expect(
      client.createPreview({
        entityRef: 'component:default/shop',
        branch: 'feature/cart',
      }),
    ).resolves.toEqual(preview);

    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/previews',
        contentType: 'application/json',
        body: JSON.stringify({
          entityRef: 'component:default/shop',
          branch: 'feature/cart',
        }),
      },
    ]);
  });

  it('gets and destroys a preview by its escaped id', async () => {
    answer(202, { ...preview, status: 'destroying' });
    const { client } = makeClient();

    await client.getPreview('a/b');
    await expect(client.destroyPreview('a1b2')).resolves.toMatchObject({
      status: 'destroying',
    });

    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /previews/a%2Fb',
      'DELETE /previews/a1b2',
    ]);
  });

  it('turns error responses into ResponseErrors carrying the server message', async () => {
    answer(400, {
      error: { name: 'InputError', message: 'branch must not be empty' },
      request: { method: 'POST', url: '/previews' },
      response: { statusCode: 400 },
    });
    const { client } = makeClient();

    const error = await client
      .createPreview({ entityRef: 'component:default/shop', branch: '' })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause).toMatchObject({
      name: 'InputError',
      message: 'branch must not be empty',
    });
    expect(errorMessage(error)).toBe('branch must not be empty');
  });

  it('maps a 404 to a ResponseError caused by NotFoundError', async () => {
    answer(404, {
      error: { name: 'NotFoundError', message: 'No preview a1b2' },
      response: { statusCode: 404 },
    });
    const { client } = makeClient();

    const error = await client.getPreview('a1b2').catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(errorMessage(error)).toBe('No preview a1b2');
  });

  it('reads the whole history page by page', async () => {
    const event = (message: string) => ({
      at: '2026-12-01T00:00:00.000Z',
      type: 'status',
      message,
    });
    const cursors: Array<string | null> = [];
    server.use(
      rest.get(`${baseUrl}/previews/a1b2/events`, (req, res, ctx) => {
        const cursor = req.url.searchParams.get('cursor');
        cursors.push(cursor);
        if (!cursor)
          return res(
            ctx.json({ items: [event('one'), event('two')], nextCursor: '17' }),
          );
        if (cursor === '17')
          return res(ctx.json({ items: [event('three')], nextCursor: '18' }));
        return res(ctx.json({ items: [] }));
      }),
    );
    const { client } = makeClient();

    const history = await client.listPreviewEvents('a1b2');

    expect(history.items.map(e => e.message)).toEqual(['one', 'two', 'three']);
    expect(cursors).toEqual([null, '17', '18']);
  });

  it('copes with error responses that are not JSON', async () => {
    server.use(
      rest.get(`${baseUrl}/previews`, (_req, res, ctx) =>
        res(ctx.status(502), ctx.text('Bad gateway')),
      ),
    );
    const { client } = makeClient();

    const error = await client
      .listPreviews({ entityRef: 'component:default/shop' })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
    expect(errorMessage(error)).toContain('Bad gateway');
  });

  it('calls every lifecycle, wiring, history and admin route with its method, path and body', async () => {
    answer(200, preview);
    const { client } = makeClient();
    const dependency = 'component:default/orders-api';

    await client.listPreviews({});
    await client.redeployPreview('a1b2');
    await client.redeployPreview('a1b2', 'abc123');
    await client.extendPreview('a1b2', 4);
    await client.keepPreview('a1b2', true);
    await client.sleepPreview('a1b2');
    await client.wakePreview('a1b2');
    await client.reseedPreview('a1b2');
    await client.listDependencyTargets('a1b2', dependency);
    await client.rerouteDependency('a1b2', dependency, {
      target: 'preview',
      previewId: 'p9',
    });
    await client.listPreviewEvents('a1b2');
    await client.getSummary();
    await client.bulkDestroyPreviews(['a1', 'b2']);
    await client.getGroup('feature/cart');
    await client.destroyGroup('feature/cart');

    expect(
      requests.map(r => [
        r.method,
        r.url,
        r.body ? JSON.parse(r.body) : undefined,
      ]),
    ).toEqual([
      ['GET', '/previews', undefined],
      ['POST', '/previews/a1b2/redeploy', {}],
      ['POST', '/previews/a1b2/redeploy', { sha: 'abc123' }],
      ['POST', '/previews/a1b2/extend', { hours: 4 }],
      ['POST', '/previews/a1b2/keep', { keep: true }],
      ['POST', '/previews/a1b2/sleep', {}],
      ['POST', '/previews/a1b2/wake', {}],
      ['POST', '/previews/a1b2/reseed', {}],
      [
        'GET',
        '/previews/a1b2/dependencies/component%3Adefault%2Forders-api/targets',
        undefined,
      ],
      [
        'PUT',
        '/previews/a1b2/dependencies/component%3Adefault%2Forders-api',
        { target: 'preview', previewId: 'p9' },
      ],
      ['GET', '/previews/a1b2/events', undefined],
      ['GET', '/summary', undefined],
      ['POST', '/previews/bulk-destroy', { ids: ['a1', 'b2'] }],
      ['GET', '/groups/feature%2Fcart', undefined],
      ['DELETE', '/groups/feature%2Fcart', undefined],
    ]);
    expect(
      requests
        .filter(r => r.method === 'POST' || r.method === 'PUT')
        .every(r => r.contentType === 'application/json'),
    ).toBe(true);
  });

  it.each([
    [
      'extend',
      400,
      'InputError',
      'Cannot extend beyond 2025-01-03T00:00:00Z',
      (c: PreviewsClient) => c.extendPreview('a1b2', 100),
    ],
    [
      'sleep',
      409,
      'ConflictError',
      'Cannot sleep a preview that is provisioning',
      (c: PreviewsClient) => c.sleepPreview('a1b2'),
    ],
    [
      'reroute',
      400,
      'InputError',
      'p9 is not a live preview of orders-api',
      (c: PreviewsClient) =>
        c.rerouteDependency('a1b2', 'component:default/orders-api', {
          target: 'preview',
          previewId: 'p9',
        }),
    ],
    [
      'bulk destroy',
      403,
      'NotAllowedError',
      'Only previews admins can destroy in bulk',
      (c: PreviewsClient) => c.bulkDestroyPreviews(['a1']),
    ],
  ])(
    'a refused %s carries the message of the backend',
    async (_name, status, name, message, call) => {
      answer(status, {
        error: { name, message },
        response: { statusCode: status },
      });
      const { client } = makeClient();
      const error = await call(client).catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(status);
      expect(errorMessage(error)).toBe(message);
    },
  );
});
