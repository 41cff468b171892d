/**
 * @jest-environment node
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { ResponseError } from '@backstage/errors';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { errorMessage } from '../components/format';
import { PreviewsClient } from './PreviewsClient';

interface Recorded {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
}

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

describe('PreviewsClient', () => {
  let server: Server;
  let baseUrl: string;
  let requests: Recorded[];
  let respond: (req: IncomingMessage, res: ServerResponse) => void;

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push({
          method: req.method,
          url: req.url,
          contentType: req.headers['content-type'],
          body,
        });
        respond(req, res);
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}/api/previews`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
    respond = (_req, res) => sendJson(res, 200, preview);
  });

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
    respond = (_req, res) => sendJson(res, 200, { items: [preview] });
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
      'GET /api/previews/previews?entityRef=component%3Adefault%2Fshop',
      'GET /api/previews/previews?entityRef=component%3Adefault%2Fshop&includeDestroyed=true',
    ]);
  });

  it('creates a preview with a JSON body', async () => {
    respond = (_req, res) => sendJson(res, 201, preview);
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
        url: '/api/previews/previews',
        contentType: 'application/json',
        body: JSON.stringify({
          entityRef: 'component:default/shop',
          branch: 'feature/cart',
        }),
      },
    ]);
  });

  it('gets and destroys a preview by its escaped id', async () => {
    const { client } = makeClient();
    await client.getPreview('a/b');
    respond = (_req, res) =>
      sendJson(res, 202, { ...preview, status: 'destroying' });
    await expect(client.destroyPreview('a1b2')).resolves.toMatchObject({
      status: 'destroying',
    });

    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/previews/previews/a%2Fb',
      'DELETE /api/previews/previews/a1b2',
    ]);
  });

  it('turns error responses into ResponseErrors carrying the server message', async () => {
    respond = (_req, res) =>
      sendJson(res, 400, {
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
    respond = (_req, res) =>
      sendJson(res, 404, {
        error: { name: 'NotFoundError', message: 'No preview a1b2' },
        response: { statusCode: 404 },
      });
    const { client } = makeClient();

    const error = await client.getPreview('a1b2').catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
  });

  it('copes with error responses that are not JSON', async () => {
    respond = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('Bad gateway');
    };
    const { client } = makeClient();

    const error = await client
      .listPreviews({ entityRef: 'component:default/shop' })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
    expect(errorMessage(error)).toContain('Bad gateway');
  });
});
