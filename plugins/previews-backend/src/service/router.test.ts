import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { InputError, NotFoundError } from '@backstage/errors';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { createRouter } from './router';
import type { PreviewService } from './PreviewService';
import type { DependencyRoutes } from '../dependencies/DependencyRoutes';
import type { LifecycleService } from '../lifecycle/LifecycleService';
import { spec } from '../schema/openapi.generated';

const ID = '0b0e5d4c-1111-4222-8333-444455556666';
const preview: Preview = {
  id: ID,
  entityRef: 'component:default/shop',
  branch: 'main',
  engine: 'kubernetes',
  name: 'shop-main',
  namespace: 'shop-main',
  status: 'ready',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** The router over mocks: every use case is a jest.fn, so a test sees whether anything was asked. */
async function start() {
  const service = {
    list: jest.fn(async () => [preview]),
    get: jest.fn(async () => preview),
    create: jest.fn(async () => preview),
    redeploy: jest.fn(async () => preview),
    reseed: jest.fn(async () => preview),
    destroy: jest.fn(async () => preview),
    sweepOrphans: jest.fn(async () => ({
      dryRun: true,
      installationId: 'i',
      orphans: [],
      deleted: [],
      errors: [],
    })),
  };
  const dependencies = {
    targets: jest.fn(async (_id: string, ref: string): Promise<never> => {
      throw new NotFoundError(
        `${ref} is not a dependency of preview shop-main; it has no dependencies`,
      );
    }),
    reroute: jest.fn(async () => preview),
    group: jest.fn(async () => [preview]),
  };
  const lifecycle = {
    policy: { maxLifetimeHours: 168 },
    extend: jest.fn(async () => preview),
    keep: jest.fn(async () => preview),
    sleep: jest.fn(async () => preview),
    wake: jest.fn(async () => preview),
    summary: jest.fn(),
  };
  const router = await createRouter({
    service: service as unknown as PreviewService,
    httpAuth: mockServices.httpAuth(),
    userInfo: mockServices.userInfo(),
    permissions: mockServices.permissions(),
    permissionsRegistry: mockServices.permissionsRegistry.mock({
      getPermissionRuleset: jest.fn(() => ({} as any)),
    }),
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    dependencies: dependencies as unknown as DependencyRoutes,
    previewLifecycle: lifecycle as unknown as LifecycleService,
  });
  const app = express();
  app.use('/api/previews', router);
  const logger = mockServices.logger.mock();
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger,
    }).error(),
  );
  /** How many calls the use cases got, all together. */
  const asked = () =>
    [
      ...Object.values(service),
      ...Object.values(dependencies),
      ...Object.values(lifecycle),
    ]
      .filter((f): f is jest.Mock => jest.isMockFunction(f))
      .reduce((n, f) => n + f.mock.calls.length, 0);
  return { app, service, dependencies, lifecycle, router, asked };
}

/** `METHOD /path` of every route an express router serves, with `:param`s. */
function routesOf(router: any, prefix = ''): string[] {
  return router.stack.flatMap((layer: any) => {
    if (layer.route) {
      return Object.keys(layer.route.methods).map(
        m => `${m.toUpperCase()} ${prefix}${layer.route.path}`,
      );
    }
    return layer.handle?.stack ? routesOf(layer.handle, prefix) : [];
  });
}

describe('createRouter', () => {
  it('serves exactly the operations of the OpenAPI spec', async () => {
    const { router } = await start();
    const served = routesOf(router).filter(r => r !== 'GET /openapi.json');
    const specified = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item).map(
        m => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      ),
    );
    expect(served.sort()).toEqual(specified.sort());
  });

  it.each([
    [
      'an unknown field',
      { entityRef: 'component:default/shop', branch: 'x', admin: true },
      /^Unknown fields in the request body: admin$/,
    ],
    [
      'a list',
      [],
      /^The request body must be a JSON object with the fields entityRef, branch, sha, pullRequest$/,
    ],
    [
      'a branch that is a number',
      { entityRef: 'component:default/shop', branch: 42 },
      /^branch must be a string$/,
    ],
    [
      'a branch too long',
      { entityRef: 'component:default/shop', branch: 'b'.repeat(300) },
      /longer than 255 characters/,
    ],
    [
      'no entityRef',
      { branch: 'main' },
      /^entityRef must be a non-empty string/,
    ],
    [
      'a bad sha',
      {
        entityRef: 'component:default/shop',
        branch: 'x',
        sha: 'HEAD; rm -rf /',
      },
      /^sha must be a commit id/,
    ],
    [
      'a pullRequest as text',
      { entityRef: 'component:default/shop', pullRequest: '1' },
      /^pullRequest must be the number of a pull request$/,
    ],
  ])(
    'refuses a create with %s, in its own words, and asks the service nothing',
    async (_name, body, message) => {
      const { app, asked } = await start();
      const res = await request(app)
        .post('/api/previews/previews')
        .send(body as object);
      expect({
        status: res.status,
        name: res.body.error?.name,
        message: res.body.error?.message,
      }).toEqual({
        status: 400,
        name: 'InputError',
        message: expect.stringMatching(message),
      });
      expect(asked()).toBe(0);
    },
  );

  it('refuses a body that is not JSON', async () => {
    const { app, asked } = await start();
    const res = await request(app)
      .post(`/api/previews/previews/${ID}/redeploy`)
      .set('Content-Type', 'text/plain')
      .send('sha=abc');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Send the request body as JSON (Content-Type: application/json)',
    );
    expect(asked()).toBe(0);
  });

  it.each([
    [
      'post',
      `/previews/${ID}/extend`,
      { hours: '24' },
      /^hours must be a whole number from 1 to 168 \(the maximum lifetime\), got "24"$/,
    ],
    [
      'post',
      `/previews/${ID}/keep`,
      { keep: 'yes' },
      /^keep must be true or false$/,
    ],
    [
      'post',
      `/previews/${ID}/redeploy`,
      { force: true },
      /^Unknown fields in the request body: force$/,
    ],
    [
      'post',
      `/previews/${ID}/sleep`,
      { now: true },
      /^Unknown fields in the request body: now$/,
    ],
    [
      'post',
      '/previews/bulk-destroy',
      { ids: 'all' },
      /^ids must be a list of 1 to 100 preview ids$/,
    ],
    [
      'post',
      '/previews/bulk-destroy',
      { ids: [ID, '1 OR 1=1'] },
      /^ids\[1\] is not a preview id: "1 OR 1=1"$/,
    ],
    // The dependency is looked at before the body: a reroute of a non-dependency says so.
    [
      'put',
      `/previews/${ID}/dependencies/${encodeURIComponent(
        'component:default/x',
      )}`,
      { target: { kind: 'x' } },
      /^component:default\/x is not a dependency/,
    ],
  ] as const)(
    'refuses %s %s %j in its own words and changes nothing',
    async (method, path, body, message) => {
      const { app, dependencies, lifecycle, service } = await start();
      const res = await request(app)[method](`/api/previews${path}`).send(body);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringMatching(message),
      });
      for (const mock of [
        service.redeploy,
        service.destroy,
        dependencies.reroute,
        lifecycle.extend,
        lifecycle.keep,
        lifecycle.sleep,
      ]) {
        expect(mock).not.toHaveBeenCalled();
      }
    },
  );

  it.each([
    [
      '/branches?entityRef=component:default/shop&page=0',
      /^page must be a whole number from 1 to 1000$/,
    ],
    [
      `/branches?entityRef=component:default/shop&q=${'a'.repeat(300)}`,
      /^q must be one text of at most 200 characters$/,
    ],
    [
      '/orphans?minAgeMinutes=NaN',
      /^minAgeMinutes must be a whole number of minutes from 0 to 525600$/,
    ],
    [
      '/orphans?minAgeMinutes=1e9',
      /^minAgeMinutes must be a whole number of minutes/,
    ],
    [
      `/previews/${ID}/events?limit=0`,
      /^limit must be a whole number from 1 to 1000$/,
    ],
    [
      `/previews/${ID}/events?cursor=abc`,
      /^cursor must be the nextCursor of the previous page$/,
    ],
    ['/previews?entityRef=a&entityRef=b', /^entityRef must be given once$/],
    ['/previews?entityRef=', /^entityRef must be a non-empty string/],
    ['/previews?includeDestroyed=perhaps', /includeDestroyed/],
  ])('refuses GET %s', async (path, message) => {
    const { app, service } = await start();
    const res = await request(app).get(`/api/previews${path}`);
    expect({ status: res.status, message: res.body.error?.message }).toEqual({
      status: 400,
      message: expect.stringMatching(message),
    });
    expect(service.list).not.toHaveBeenCalled();
    expect(service.sweepOrphans).not.toHaveBeenCalled();
  });

  it('hands the use cases the input the spec typed', async () => {
    const { app, service, lifecycle } = await start();
    expect(
      (
        await request(app)
          .post('/api/previews/previews')
          .send({ entityRef: 'shop', branch: 'feature/x', sha: 'abcdef1' })
      ).status,
    ).toBe(201);
    expect(service.create).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'shop',
        branch: 'feature/x',
        sha: 'abcdef1',
        trigger: 'portal',
      }),
    );
    expect(
      (await request(app).get('/api/previews/previews?includeDestroyed=true'))
        .status,
    ).toBe(200);
    expect(service.list).toHaveBeenCalledWith(undefined, true);
    expect(
      (await request(app).get('/api/previews/orphans?minAgeMinutes=30')).body
        .dryRun,
    ).toBe(true);
    expect(service.sweepOrphans).toHaveBeenCalledWith({
      dryRun: true,
      minAgeMinutes: 30,
    });
    expect(
      (await request(app).post(`/api/previews/previews/${ID}/redeploy`)).status,
    ).toBe(200);
    expect(service.redeploy).toHaveBeenCalledWith(
      ID,
      expect.objectContaining({ sha: undefined }),
    );
    expect(
      (
        await request(app)
          .post(`/api/previews/previews/${ID}/extend`)
          .send({ hours: 4 })
      ).status,
    ).toBe(200);
    expect(lifecycle.extend).toHaveBeenCalledWith(ID, 4);
  });

  it('takes a component ref in a query unencoded, as curl sends it (: and / are allowed there)', async () => {
    const { app, service } = await start();
    const res = await request(app).get(
      '/api/previews/previews?includeDestroyed=true&entityRef=component:default/shop',
    );
    expect(res.status).toBe(200);
    expect(service.list).toHaveBeenCalledWith('component:default/shop', true);
  });

  it('keeps the errors of the body parser: 413 for a large body, 400 for malformed JSON', async () => {
    const { app, asked } = await start();
    const large = await request(app)
      .post('/api/previews/previews')
      .send({ entityRef: 'shop', branch: 'x', padding: 'p'.repeat(64 * 1024) });
    expect(large.status).toBe(413);
    const malformed = await request(app)
      .post('/api/previews/previews')
      .set('Content-Type', 'application/json')
      .send('{"entityRef": ');
    expect(malformed.status).toBe(400);
    expect(asked()).toBe(0);
  });

  it('answers an unknown route or method with a bare 404', async () => {
    const { app } = await start();
    expect(
      (
        await request(app)
          .put(`/api/previews/previews/${ID}`)
          .send({ status: 'ready' })
      ).status,
    ).toBe(404);
    expect((await request(app).get('/api/previews/nothing')).status).toBe(404);
  });

  it('lets errors of the use cases through unchanged', async () => {
    const { app, service } = await start();
    service.get.mockRejectedValueOnce(new InputError('something else'));
    const res = await request(app).get(`/api/previews/previews/${ID}`);
    expect({ status: res.status, message: res.body.error.message }).toEqual({
      status: 400,
      message: 'something else',
    });
  });
});
