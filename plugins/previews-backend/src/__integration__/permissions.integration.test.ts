import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { Entity } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  Preview,
  PreviewEvent,
} from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { previewComponent, waitFor } from '../testUtils';
import { catalogReady, realPermissions } from './__testUtils__/realPermissions';

// Resource permissions against a real permission policy, decided as in an
// adopter's Backstage: the real permission backend asks the policy, and its
// conditions are the catalog's own, evaluated by the real catalog backend
// against the preview's component. On the real test cluster.

jest.setTimeout(180_000);

/** The example policy of docs/permissions.md: owners only, admins everything. */
class OwnersOnlyPreviewsPolicy implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      user?.info.ownershipEntityRefs.includes('group:default/previews-admins')
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (query.permission.name === 'previews.admin')
      return { result: AuthorizeResult.DENY };
    if (
      isResourcePermission(query.permission, 'catalog-entity') &&
      query.permission.name.startsWith('previews.')
    ) {
      return createCatalogConditionalDecision(
        query.permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** A policy of another shape: previews only of components that carry a catalog label. */
class LabelledComponentsPolicy implements PermissionPolicy {
  async handle(query: PolicyQuery): Promise<PolicyDecision> {
    if (
      isResourcePermission(query.permission, 'catalog-entity') &&
      query.permission.name.startsWith('previews.')
    ) {
      return createCatalogConditionalDecision(
        query.permission,
        catalogConditions.hasLabel({ label: 'example.com/previews-allowed' }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

// Who belongs to which group (what the sign-in resolver would say).
const groups: Record<string, string[]> = {
  'user:default/alice': ['group:default/sec-team'],
  'user:default/bob': [],
  'user:default/root': ['group:default/previews-admins'],
};

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const ROOT = 'user:default/root';
const run = Date.now().toString(36);

const owned = {
  ...previewComponent('sec-owned', {
    'backstage-previews.io/image': 'registry.local/demo:1',
    'backstage-previews.io/port': '8080',
  }),
};
owned.spec = { ...owned.spec, owner: 'sec-team' };
// sec-team's component that depends on another team's: alice may read only her own end.
const OTHER_REF = 'component:default/sec-other-team';
const dependent: Entity = previewComponent('sec-dependent', {
  'backstage-previews.io/image': 'registry.local/demo:1',
  'backstage-previews.io/port': '8080',
});
dependent.spec = {
  ...dependent.spec,
  owner: 'sec-team',
  dependsOn: [OTHER_REF],
};
const other = previewComponent('sec-other-team', {
  'backstage-previews.io/image': 'registry.local/demo:1',
  'backstage-previews.io/port': '8080',
  'backstage-previews.io/staging-url': 'https://other.staging.example.com',
});
other.spec = { ...other.spec, owner: 'other-team' };

describe('preview permissions with an owners-only policy', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    const entities = [owned, dependent, other];
    const permissions = realPermissions({
      policy: new OwnersOnlyPreviewsPolicy(),
      entities,
      groups,
    });
    const backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        // The real actions registry, with its HTTP endpoints (the test backend's default is a mock).
        actionsRegistryServiceFactory,
        ...permissions.features,
        mockServices.rootConfig.factory({
          data: {
            ...permissions.config,
            previews: {
              reconcileIntervalSeconds: 2,
              baseDomain: 'previews.test',
              urlScheme: 'http',
              kubernetes: { kubeconfig: testKubeconfigPath() },
            },
          },
        }),
      ],
    });
    server = backend.server;
    await catalogReady(server, entities, mockCredentials.user.header(ROOT));
  });

  it("needs read on the dependency's component to list where it can point or to reroute it; nothing changes when refused", async () => {
    const created = await request(server)
      .post('/api/previews/previews')
      .set(as(ALICE))
      .send({
        entityRef: 'component:default/sec-dependent',
        branch: `sec-dep-${run}`,
      });
    expect(created.status).toBe(201);
    const preview: Preview = created.body;
    const path = `/api/previews/previews/${
      preview.id
    }/dependencies/${encodeURIComponent(OTHER_REF)}`;

    const targets = await request(server).get(`${path}/targets`).set(as(ALICE));
    expect(targets.status).toBe(403);
    expect(targets.body.error.message).toBe(
      `You are not allowed to read previews of ${OTHER_REF} (previews.preview.read)`,
    );
    const reroute = await request(server)
      .put(path)
      .set(as(ALICE))
      .send({ target: 'staging' });
    expect(reroute.status).toBe(403);
    expect(reroute.body.error.message).toBe(
      `You are not allowed to read previews of ${OTHER_REF} (previews.preview.read)`,
    );
    const bad = await request(server)
      .get(
        `/api/previews/previews/${preview.id}/dependencies/${encodeURIComponent(
          'component:',
        )}/targets`,
      )
      .set(as(ROOT));
    expect(bad.status).toBe(400);
    // the admin may: the same calls answer
    const asRoot = await request(server).get(`${path}/targets`).set(as(ROOT));
    expect(asRoot.status).toBe(200);
    const unchanged = await request(server)
      .get(`/api/previews/previews/${preview.id}`)
      .set(as(ALICE));
    expect(unchanged.body.dependencies).toEqual(created.body.dependencies);

    await request(server)
      .delete(`/api/previews/previews/${preview.id}`)
      .set(as(ALICE));
    await waitFor('the preview to be destroyed', async () => {
      const res = await request(server)
        .get(`/api/previews/previews/${preview.id}`)
        .set(as(ALICE));
      return res.body.status === 'destroyed';
    });
  });

  it('lets owners create, read and destroy, refuses everyone else, and records the history', async () => {
    const branch = `sec-perm-${run}`;
    const body = { entityRef: 'component:default/sec-owned', branch };

    const refused = await request(server)
      .post('/api/previews/previews')
      .set(as(BOB))
      .send(body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You are not allowed to create previews of component:default/sec-owned (previews.preview.create)',
    );
    const none = await request(server)
      .get('/api/previews/previews')
      .set(as(ALICE))
      .query({ entityRef: body.entityRef });
    expect(none.body.items).toEqual([]);

    const created = await request(server)
      .post('/api/previews/previews')
      .set(as(ALICE))
      .send(body);
    expect(created.status).toBe(201);
    const preview: Preview = created.body;
    expect(preview.createdBy).toBe(ALICE);

    // Reading: the owner and the admin, not bob; the org-wide list hides it from bob.
    expect(
      (
        await request(server)
          .get(`/api/previews/previews/${preview.id}`)
          .set(as(ALICE))
      ).status,
    ).toBe(200);
    expect(
      (
        await request(server)
          .get(`/api/previews/previews/${preview.id}`)
          .set(as(ROOT))
      ).status,
    ).toBe(200);
    const bobReads = await request(server)
      .get(`/api/previews/previews/${preview.id}`)
      .set(as(BOB));
    expect(bobReads.status).toBe(403);
    expect(bobReads.body.error.message).toContain(
      'not allowed to read previews of component:default/sec-owned',
    );
    const ids = async (user: string) =>
      (
        (await request(server).get('/api/previews/previews').set(as(user))).body
          .items as Preview[]
      ).map(p => p.id);
    expect(await ids(ALICE)).toContain(preview.id);
    expect(await ids(ROOT)).toContain(preview.id);
    expect(await ids(BOB)).not.toContain(preview.id);
    expect(
      (
        await request(server)
          .get(`/api/previews/previews/${preview.id}/events`)
          .set(as(BOB))
      ).status,
    ).toBe(403);

    // Changing: bob may neither redeploy nor destroy, and nothing changes.
    expect(
      (
        await request(server)
          .post(`/api/previews/previews/${preview.id}/redeploy`)
          .set(as(BOB))
      ).status,
    ).toBe(403);
    expect(
      (
        await request(server)
          .delete(`/api/previews/previews/${preview.id}`)
          .set(as(BOB))
      ).status,
    ).toBe(403);
    // Protected URLs: Open needs read, share links and the bypass token need update.
    const base = `/api/previews/previews/${preview.id}`;
    expect(
      (await request(server).post(`${base}/open`).set(as(BOB)).send({})).status,
    ).toBe(403);
    expect(
      (await request(server).get(`${base}/share-links`).set(as(BOB))).status,
    ).toBe(403);
    expect(
      (await request(server).post(`${base}/share-links`).set(as(BOB)).send({}))
        .status,
    ).toBe(403);
    expect(
      (await request(server).post(`${base}/bypass-token`).set(as(BOB)).send({}))
        .status,
    ).toBe(403);
    const opened = await request(server)
      .post(`${base}/open`)
      .set(as(ALICE))
      .send({});
    expect(opened.status).toBe(200);
    expect(opened.body.url).toContain('previews_token=');
    // Admin routes need previews.admin, which owners do not have.
    const orphans = await request(server)
      .get('/api/previews/orphans')
      .set(as(ALICE));
    expect(orphans.status).toBe(403);
    expect(orphans.body.error.message).toBe(
      'You are not allowed to administer previews (previews.admin)',
    );
    const bulkByOwner = await request(server)
      .post('/api/previews/previews/bulk-destroy')
      .set(as(ALICE))
      .send({ ids: [preview.id] });
    expect(bulkByOwner.status).toBe(403);
    const still = await request(server)
      .get(`/api/previews/previews/${preview.id}`)
      .set(as(ALICE));
    expect(['provisioning', 'ready']).toContain(still.body.status);

    await waitFor('the preview to be ready', async () => {
      const res = await request(server)
        .get(`/api/previews/previews/${preview.id}`)
        .set(as(ALICE));
      return res.body.status === 'ready';
    });

    // The admin destroys it in bulk; unknown ids are refused before anything is destroyed.
    const unknown = '00000000-0000-4000-8000-000000000000';
    const bulkUnknown = await request(server)
      .post('/api/previews/previews/bulk-destroy')
      .set(as(ROOT))
      .send({ ids: [preview.id, unknown] });
    expect(bulkUnknown.status).toBe(404);
    expect(
      (
        await request(server)
          .get(`/api/previews/previews/${preview.id}`)
          .set(as(ROOT))
      ).body.status,
    ).toBe('ready');
    const bulk = await request(server)
      .post('/api/previews/previews/bulk-destroy')
      .set(as(ROOT))
      .send({ ids: [preview.id] });
    expect(bulk.status).toBe(202);
    expect(bulk.body.items.map((p: Preview) => [p.id, p.status])).toEqual([
      [preview.id, 'destroying'],
    ]);
    await waitFor('the preview to be destroyed', async () => {
      const res = await request(server)
        .get(`/api/previews/previews/${preview.id}`)
        .set(as(ALICE));
      return res.body.status === 'destroyed';
    });

    // Its history: who did what, and every status it went through.
    const events = await waitFor(
      'the history to show the destroy',
      async () => {
        const res = await request(server)
          .get(`/api/previews/previews/${preview.id}/events`)
          .set(as(ALICE));
        const items: PreviewEvent[] = res.body.items;
        return items.some(e => e.message === 'destroying → destroyed')
          ? items
          : undefined;
      },
    );
    const summary = events.map(e => `${e.type} ${e.actor} ${e.message}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        `created ${ALICE} created for branch ${branch} (portal), provisioning`,
        `preview-create ${ALICE} create requested for branch ${branch}`,
        'status system provisioning → ready',
        `preview-bulk-destroy ${ROOT} destroy requested (bulk, by an admin)`,
        'status system ready → destroying',
        'status system destroying → destroyed',
      ]),
    );
    // Refused requests of bob are not (a caller without permission writes nothing into the history).
    expect(summary.filter(line => line.includes(BOB))).toEqual([]);
    // The history comes in pages, in the order it was recorded.
    const first = await request(server)
      .get(`/api/previews/previews/${preview.id}/events`)
      .query({ limit: 2 })
      .set(as(ALICE));
    expect(first.body.items.map((e: PreviewEvent) => e.message)).toEqual(
      events.slice(0, 2).map(e => e.message),
    );
    const second = await request(server)
      .get(`/api/previews/previews/${preview.id}/events`)
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set(as(ALICE));
    expect(second.body.items.map((e: PreviewEvent) => e.message)).toEqual(
      events.slice(2, 4).map(e => e.message),
    );
    expect(
      (
        await request(server)
          .get(`/api/previews/previews/${preview.id}/events`)
          .query({ limit: 0 })
          .set(as(ALICE))
      ).status,
    ).toBe(400);
  });

  it('answers each registered action, called over HTTP with a user token, as the REST API answers the same call', async () => {
    const ACTIONS = '/api/previews/.backstage/actions/v1/actions';
    const listed = await request(server).get(ACTIONS).set(as(BOB));
    expect(listed.status).toBe(200);
    const attributes = Object.fromEntries(
      listed.body.actions.map(
        (a: {
          id: string;
          attributes: { readOnly: boolean; destructive: boolean };
        }) => [
          a.id,
          `${a.attributes.readOnly ? 'read' : 'write'}${
            a.attributes.destructive ? ', destructive' : ''
          }`,
        ],
      ),
    );
    expect(attributes).toEqual({
      'previews:list-previews': 'read',
      'previews:get-preview': 'read',
      'previews:create-preview': 'write',
      'previews:redeploy-preview': 'write',
      'previews:extend-preview': 'write',
      'previews:keep-preview': 'write',
      'previews:destroy-preview': 'write, destructive',
    });
    const invoke = (user: string, name: string, input: object) =>
      request(server)
        .post(`${ACTIONS}/previews:${name}/invoke`)
        .set(as(user))
        .send(input);

    /** The action and the REST call get the same answer: both succeed, or both refuse with the same status and message. */
    async function same(
      user: string,
      name: string,
      input: object,
      rest: () => request.Test,
    ) {
      const [viaAction, viaRest] = [
        await invoke(user, name, input),
        await rest().set(as(user)),
      ];
      const outcome = (res: request.Response) =>
        res.status < 300 ? 'ok' : `${res.status} ${res.body.error?.message}`;
      expect(`${name} as ${user}: ${outcome(viaAction)}`).toBe(
        `${name} as ${user}: ${outcome(viaRest)}`,
      );
      return viaAction.body.output;
    }

    const branch = `sec-act-${run}`;
    const created = await same(
      ALICE,
      'create-preview',
      { entityRef: 'component:default/sec-owned', branch },
      () =>
        request(server)
          .post('/api/previews/previews')
          .send({
            entityRef: 'component:default/sec-owned',
            branch: `${branch}-rest`,
          }),
    );
    const id: string = created.preview.id;
    expect(created.preview).toMatchObject({
      entityRef: 'component:default/sec-owned',
      branch,
      createdBy: ALICE,
    });
    const restTwin: Preview = (
      await request(server)
        .get('/api/previews/previews')
        .query({ entityRef: 'component:default/sec-owned' })
        .set(as(ALICE))
    ).body.items.find((p: Preview) => p.branch === `${branch}-rest`);
    await same(
      BOB,
      'create-preview',
      { entityRef: 'component:default/sec-owned', branch: `${branch}-bob` },
      () =>
        request(server)
          .post('/api/previews/previews')
          .send({
            entityRef: 'component:default/sec-owned',
            branch: `${branch}-bob`,
          }),
    );
    // Bad input is refused before anything else, as the API does.
    const badRef = await invoke(ALICE, 'create-preview', {
      entityRef: '',
      branch,
    });
    expect(badRef.status).toBe(400);

    // A constant for the REST calls made in the loop (the server variable is assigned in beforeAll).
    const backendServer = server;
    for (const user of [ALICE, BOB]) {
      const listedOutput = await same(
        user,
        'list-previews',
        { entityRef: 'component:default/sec-owned' },
        () =>
          request(backendServer)
            .get('/api/previews/previews')
            .query({ entityRef: 'component:default/sec-owned' }),
      );
      expect(listedOutput.items.some((p: Preview) => p.id === id)).toBe(
        user === ALICE,
      );
      await same(user, 'get-preview', { id }, () =>
        request(backendServer).get(`/api/previews/previews/${id}`),
      );
      await same(user, 'extend-preview', { id, hours: 1 }, () =>
        request(backendServer)
          .post(`/api/previews/previews/${id}/extend`)
          .send({ hours: 1 }),
      );
      await same(user, 'keep-preview', { id, keep: false }, () =>
        request(backendServer)
          .post(`/api/previews/previews/${id}/keep`)
          .send({ keep: false }),
      );
    }
    await waitFor(
      'the action-created preview to be ready',
      async () =>
        (
          await request(server)
            .get(`/api/previews/previews/${id}`)
            .set(as(ALICE))
        ).body.status === 'ready',
    );
    await same(BOB, 'redeploy-preview', { id }, () =>
      request(server).post(`/api/previews/previews/${id}/redeploy`).send({}),
    );
    await same(ALICE, 'redeploy-preview', { id }, () =>
      request(server)
        .post(`/api/previews/previews/${restTwin.id}/redeploy`)
        .send({}),
    );
    await same(BOB, 'destroy-preview', { id }, () =>
      request(server).delete(`/api/previews/previews/${id}`),
    );
    const destroyed = await same(ALICE, 'destroy-preview', { id }, () =>
      request(server).delete(`/api/previews/previews/${restTwin.id}`),
    );
    expect(['destroying', 'destroyed']).toContain(destroyed.preview.status);

    // The history records what the actions changed, and who: as it does for the REST API.
    const events: PreviewEvent[] = (
      await request(server)
        .get(`/api/previews/previews/${id}/events`)
        .set(as(ALICE))
    ).body.items;
    expect(events.map(e => `${e.type} ${e.actor}`)).toEqual(
      expect.arrayContaining([
        `preview-create ${ALICE}`,
        `preview-extend ${ALICE}`,
        `preview-redeploy ${ALICE}`,
        `preview-destroy ${ALICE}`,
      ]),
    );
    expect(events.filter(e => e.actor === BOB)).toEqual([]);
  });
});

describe('preview permissions with a policy on a catalog label', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const labelled = previewComponent('lbl-allowed', {
    'backstage-previews.io/image': 'registry.local/demo:1',
    'backstage-previews.io/port': '8080',
  });
  labelled.metadata.labels = { 'example.com/previews-allowed': 'true' };
  const unlabelled = previewComponent('lbl-other', {
    'backstage-previews.io/image': 'registry.local/demo:1',
    'backstage-previews.io/port': '8080',
  });

  beforeAll(async () => {
    const entities = [labelled, unlabelled];
    const permissions = realPermissions({
      policy: new LabelledComponentsPolicy(),
      entities,
      groups,
    });
    const backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        ...permissions.features,
        mockServices.rootConfig.factory({
          data: {
            ...permissions.config,
            previews: {
              reconcileIntervalSeconds: 2,
              baseDomain: 'previews.test',
              urlScheme: 'http',
              kubernetes: { kubeconfig: testKubeconfigPath() },
            },
          },
        }),
      ],
    });
    server = backend.server;
    await catalogReady(server, entities, mockCredentials.user.header(BOB));
  });

  it('allows previews of labelled components only: create, read, list and destroy', async () => {
    const refused = await request(server)
      .post('/api/previews/previews')
      .set(as(BOB))
      .send({ entityRef: 'component:default/lbl-other', branch: `lbl-${run}` });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You are not allowed to create previews of component:default/lbl-other (previews.preview.create)',
    );
    const created = await request(server)
      .post('/api/previews/previews')
      .set(as(BOB))
      .send({
        entityRef: 'component:default/lbl-allowed',
        branch: `lbl-${run}`,
      });
    expect(created.status).toBe(201);
    const preview: Preview = created.body;
    expect(
      (
        await request(server)
          .get(`/api/previews/previews/${preview.id}`)
          .set(as(BOB))
      ).status,
    ).toBe(200);
    const listed = await request(server)
      .get('/api/previews/previews')
      .set(as(BOB));
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: Preview) => p.entityRef)).toEqual([
      'component:default/lbl-allowed',
    ]);
    // The refused create left nothing behind.
    const otherListed = await request(server)
      .get('/api/previews/previews')
      .query({ entityRef: 'component:default/lbl-other' })
      .set(as(BOB));
    expect(otherListed.body.items).toEqual([]);

    expect(
      (
        await request(server)
          .delete(`/api/previews/previews/${preview.id}`)
          .set(as(BOB))
      ).status,
    ).toBe(202);
    await waitFor('the preview to be destroyed', async () => {
      const res = await request(server)
        .get(`/api/previews/previews/${preview.id}`)
        .set(as(BOB));
      return res.body.status === 'destroyed';
    });
  });
});
