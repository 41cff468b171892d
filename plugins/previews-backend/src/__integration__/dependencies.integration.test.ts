import request from 'supertest';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  Preview,
  PreviewDependency,
} from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';
import { waitFor } from '../testUtils';
import {
  ORDERS_STAGING,
  PAY_STAGING,
  entities,
  noStagingRef,
  ordersRef,
  payRef,
  run,
  webRef,
} from './__testUtils__/dependencyComponents';

// Dependency wiring on the real test cluster: URLs reach the workloads'
// env, reroutes roll the Deployments, destroyed targets fall back to staging,
// and previews of one branch find each other.

jest.setTimeout(300_000);

describe('dependency wiring on the real test cluster', () => {
  let server: PreviewsTestBackend['backend']['server'];
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  const created: string[] = [];

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const backend = await startPreviewsTestBackend({
      entities,
      previews: {
        kubernetes: { kubeconfig },
        dependencies: { includeConsumedApis: true },
      },
    });
    server = backend.backend.server;
  });

  afterAll(async () => {
    for (const id of created)
      await request(server).delete(`/api/previews/previews/${id}`);
  });

  async function create(entityRef: string, branch: string): Promise<Preview> {
    const res = await request(server)
      .post('/api/previews/previews')
      .send({ entityRef, branch });
    expect(res.status).toBe(201);
    created.push(res.body.id);
    return res.body;
  }

  async function get(id: string): Promise<Preview> {
    const res = await request(server).get(`/api/previews/previews/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function waitReady(id: string, what: string): Promise<Preview> {
    let last: Preview | undefined;
    try {
      return await waitFor(`${what} to be ready`, async () => {
        last = await get(id);
        return last.status === 'ready' ? last : undefined;
      });
    } catch (e) {
      throw new Error(
        `${(e as Error).message}; last seen ${last?.status}: ${
          last?.statusMessage ?? ''
        }`,
      );
    }
  }

  const dependency = (p: Preview, ref: string) =>
    p.dependencies?.find(d => d.entityRef === ref);

  async function envOf(
    namespace: string,
    workload: string,
  ): Promise<Record<string, string>> {
    const cm = await kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedConfigMap({ name: `${workload}-env`, namespace });
    return cm.data ?? {};
  }

  async function namespaceLabels(
    namespace: string,
  ): Promise<Record<string, string>> {
    return (
      (await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: namespace }))
        .metadata?.labels ?? {}
    );
  }

  async function deploymentOf(namespace: string, workload: string) {
    return kc
      .makeApiClient(k8s.AppsV1Api)
      .readNamespacedDeployment({ name: workload, namespace });
  }

  /** The pod-template-hash of the Deployment's newest ReplicaSet (highest revision). */
  async function newestTemplateHash(
    namespace: string,
    workload: string,
  ): Promise<string | undefined> {
    const list = await kc
      .makeApiClient(k8s.AppsV1Api)
      .listNamespacedReplicaSet({
        namespace,
        labelSelector: `backstage-previews.io/workload=${workload}`,
      });
    const revision = (rs: (typeof list.items)[number]) =>
      Number(
        rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
      );
    const newest = [...list.items].sort((a, b) => revision(b) - revision(a))[0];
    return newest?.metadata?.labels?.['pod-template-hash'];
  }

  const reroute = (id: string, ref: string, body: unknown) =>
    request(server)
      .put(
        `/api/previews/previews/${id}/dependencies/${encodeURIComponent(ref)}`,
      )
      .set('Content-Type', 'application/json')
      .send(body as object);

  /** What a refused request must leave alone: the stored preview and its Deployment. */
  async function snapshot(p: Preview) {
    const stored = await get(p.id);
    const deployment = await deploymentOf(p.namespace, 'web');
    return {
      status: stored.status,
      statusMessage: stored.statusMessage,
      dependencies: stored.dependencies,
      group: stored.group,
      generation: deployment.metadata?.generation,
      configMap: await envOf(p.namespace, 'web'),
    };
  }

  it('wires staging by default, reroutes to a preview (rolling the pods), refuses bad reroutes, falls back when the target is destroyed', async () => {
    const a = await create(webRef, `dep-a-${run}`);
    const b = await create(ordersRef, `dep-b-${run}`);
    const readyA = await waitReady(a.id, 'A');
    await waitReady(b.id, 'B');

    // A gets B's staging URL under the env its spec names; the dependency without staging URL is unresolved.
    expect(readyA.dependencies).toEqual<PreviewDependency[]>([
      {
        entityRef: ordersRef,
        env: 'SERVICE_B_URL',
        target: 'staging',
        url: ORDERS_STAGING,
      },
      {
        entityRef: noStagingRef,
        env: 'DEP_NOSTAGING_URL',
        target: 'unresolved',
        message: `dep-nostaging has no staging URL: set the annotation backstage-previews.io/staging-url on ${noStagingRef} or stagingUrl in its preview spec`,
      },
      {
        entityRef: payRef,
        env: 'DEP_PAY_URL',
        target: 'staging',
        url: PAY_STAGING,
      },
    ]);
    expect(readyA.group).toBeUndefined();
    const stagingEnv = await envOf(a.namespace, 'web');
    expect(stagingEnv.SERVICE_B_URL).toBe(ORDERS_STAGING);
    expect(stagingEnv).not.toHaveProperty('DEP_NOSTAGING_URL');
    expect(stagingEnv.DEP_PAY_URL).toBe(PAY_STAGING);

    // The targets: staging, then B's live preview.
    const targets = await request(server).get(
      `/api/previews/previews/${a.id}/dependencies/${encodeURIComponent(
        ordersRef,
      )}/targets`,
    );
    expect(targets.status).toBe(200);
    expect(targets.body.items[0]).toEqual({
      target: 'staging',
      url: ORDERS_STAGING,
    });
    expect(targets.body.items).toContainEqual({
      target: 'preview',
      url: `http://app.${b.namespace}.svc.cluster.local`,
      previewId: b.id,
      name: b.name,
      branch: b.branch,
      status: 'ready',
    });
    const unknownTargets = await request(server).get(
      `/api/previews/previews/${a.id}/dependencies/${encodeURIComponent(
        'component:default/dep-web',
      )}/targets`,
    );
    expect(unknownTargets.status).toBe(404);

    // Reroute A's orders dependency to B's preview: the env changes and A's Deployment rolls.
    const hashBefore = await newestTemplateHash(a.namespace, 'web');
    expect(hashBefore).toBeDefined();
    const rerouted = await reroute(a.id, ordersRef, {
      target: 'preview',
      previewId: b.id,
    });
    expect(rerouted.status).toBe(200);
    expect(rerouted.body.status).toBe('provisioning');
    const bUrl = `http://app.${b.namespace}.svc.cluster.local`;
    expect(dependency(rerouted.body, ordersRef)).toEqual({
      entityRef: ordersRef,
      env: 'SERVICE_B_URL',
      target: 'preview',
      url: bUrl,
      previewId: b.id,
      previewName: b.name,
      branch: b.branch,
    });
    expect((await envOf(a.namespace, 'web')).SERVICE_B_URL).toBe(bUrl);
    // B's NetworkPolicy admits the namespaces labelled as using B to its exposed workload's port, and A's namespace now is.
    const usesB = `uses.backstage-previews.io/${b.name}`;
    expect((await namespaceLabels(a.namespace))[usesB]).toBe('true');
    const policy = await kc
      .makeApiClient(k8s.NetworkingV1Api)
      .readNamespacedNetworkPolicy({
        name: 'preview-dependents',
        namespace: b.namespace,
      });
    expect(policy.spec?.ingress?.[0]._from).toEqual([
      { namespaceSelector: { matchLabels: { [usesB]: 'true' } } },
    ]);
    expect(policy.spec?.ingress?.[0].ports).toHaveLength(1);
    await waitReady(a.id, 'A after the reroute');
    const hashAfter = await waitFor('a new ReplicaSet of A', async () => {
      const hash = await newestTemplateHash(a.namespace, 'web');
      return hash !== hashBefore ? hash : undefined;
    });
    expect(hashAfter).not.toBe(hashBefore);

    // Refused reroutes answer with what is wrong and change nothing.
    const before = await snapshot(a);
    const refused: Array<[string, string, unknown, number, RegExp]> = [
      [
        'an unknown preview',
        ordersRef,
        {
          target: 'preview',
          previewId: '00000000-0000-4000-8000-000000000000',
        },
        400,
        /No preview with id/,
      ],
      [
        'a preview of another component',
        noStagingRef,
        { target: 'preview', previewId: b.id },
        400,
        new RegExp(
          `Preview ${b.name} is a preview of ${ordersRef}, not of the dependency ${noStagingRef}`,
        ),
      ],
      [
        'itself',
        ordersRef,
        { target: 'preview', previewId: a.id },
        400,
        /cannot be routed to itself/,
      ],
      [
        'an unknown dependency',
        'component:default/dep-other',
        { target: 'staging' },
        400,
        /component:default\/dep-other is not a dependency of preview/,
      ],
      [
        'a bad target',
        ordersRef,
        { target: 'production' },
        400,
        /target must be "staging" or "preview"/,
      ],
      [
        'a preview target without id',
        ordersRef,
        { target: 'preview' },
        400,
        /previewId .* is required/,
      ],
      [
        'an unknown field',
        ordersRef,
        { target: 'staging', url: 'http://x' },
        400,
        /Unknown fields in the request body: url/,
      ],
      [
        'staging without a staging URL',
        noStagingRef,
        { target: 'staging' },
        409,
        /dep-nostaging has no staging URL/,
      ],
    ];
    for (const [what, ref, body, status, message] of refused) {
      const res = await reroute(a.id, ref, body);
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.body.error.message).toMatch(message);
    }
    const notJson = await request(server)
      .put(
        `/api/previews/previews/${a.id}/dependencies/${encodeURIComponent(
          ordersRef,
        )}`,
      )
      .set('Content-Type', 'text/plain')
      .send('staging');
    expect(notJson.status).toBe(400);
    expect(await snapshot(a)).toEqual(before);

    // Destroying B: A falls back to staging with a notice, and is redeployed.
    const destroyed = await request(server).delete(
      `/api/previews/previews/${b.id}`,
    );
    expect(destroyed.status).toBe(202);
    const fallenBack = await waitFor('A to fall back to staging', async () => {
      const p = await get(a.id);
      return dependency(p, ordersRef)?.target === 'staging' ? p : undefined;
    });
    expect(dependency(fallenBack, ordersRef)).toEqual({
      entityRef: ordersRef,
      env: 'SERVICE_B_URL',
      target: 'staging',
      url: ORDERS_STAGING,
      message: `dep-orders preview ${b.name} was destroyed; now using staging`,
    });
    // A's history says why it was redeployed.
    const events = await request(server).get(
      `/api/previews/previews/${a.id}/events`,
    );
    expect(events.body.items).toContainEqual(
      expect.objectContaining({
        type: 'rerouted',
        actor: 'user:default/mock',
        message: `dep-orders rerouted to preview ${b.name}`,
      }),
    );
    await waitFor("the fallback in A's history", async () => {
      const res = await request(server).get(
        `/api/previews/previews/${a.id}/events`,
      );
      return res.body.items.some(
        (e: { type: string; actor?: string; message: string }) =>
          e.type === 'rerouted' &&
          e.actor === 'system' &&
          e.message ===
            `dep-orders preview ${b.name} was destroyed; now using staging`,
      );
    });
    await waitFor(
      "A's env back on staging",
      async () =>
        (await envOf(a.namespace, 'web')).SERVICE_B_URL === ORDERS_STAGING,
    );
    await waitReady(a.id, 'A after the fallback');
    expect(await namespaceLabels(a.namespace)).not.toHaveProperty(usesB);
    await waitFor(
      'A to roll again',
      async () => (await newestTemplateHash(a.namespace, 'web')) !== hashAfter,
    );

    // B is no target any more: rerouting to it is refused and changes nothing.
    const afterFallback = await snapshot(a);
    const toDestroyed = await reroute(a.id, ordersRef, {
      target: 'preview',
      previewId: b.id,
    });
    expect(toDestroyed.status).toBe(409);
    expect(toDestroyed.body.error.message).toMatch(
      new RegExp(
        `Preview ${b.name} is (destroying|destroyed); only a provisioning, ready, degraded preview can be routed to`,
      ),
    );
    expect(await snapshot(a)).toEqual(afterFallback);
    const targetsAfter = await request(server).get(
      `/api/previews/previews/${a.id}/dependencies/${encodeURIComponent(
        ordersRef,
      )}/targets`,
    );
    expect(
      targetsAfter.body.items.map((t: { previewId?: string }) => t.previewId),
    ).not.toContain(b.id);

    // Choosing staging explicitly keeps it (and clears the notice); already there, nothing rolls.
    const generation = (await deploymentOf(a.namespace, 'web')).metadata
      ?.generation;
    const toStaging = await reroute(a.id, ordersRef, { target: 'staging' });
    expect(toStaging.status).toBe(200);
    expect(toStaging.body.status).toBe('ready');
    expect(dependency(toStaging.body, ordersRef)).toEqual({
      entityRef: ordersRef,
      env: 'SERVICE_B_URL',
      target: 'staging',
      url: ORDERS_STAGING,
    });
    expect((await deploymentOf(a.namespace, 'web')).metadata?.generation).toBe(
      generation,
    );
  });

  it('wires previews of one branch to each other both ways (a group), and destroys the group', async () => {
    const branch = `dep-g-${run}/feature`;
    const a = await get((await create(webRef, branch)).id);
    // Alone on the branch: staging.
    expect(dependency(a, ordersRef)).toMatchObject({
      target: 'staging',
      url: ORDERS_STAGING,
    });
    // The answer to the create carries what its deploy resolved.
    const b = await create(ordersRef, branch);
    const aUrl = `http://web.${a.namespace}.svc.cluster.local`;
    const bUrl = `http://app.${b.namespace}.svc.cluster.local`;
    // The newcomer finds A on its branch at once (A ↔ B is a cycle: only direct dependencies are resolved).
    expect(dependency(b, webRef)).toMatchObject({
      target: 'preview',
      previewId: a.id,
      url: aUrl,
      branch,
    });
    expect(b.group).toBe(branch);
    // A, already running, is rerouted to the newcomer and redeployed.
    const rewired = await waitFor('A to be rerouted to B', async () => {
      const p = await get(a.id);
      return dependency(p, ordersRef)?.previewId === b.id ? p : undefined;
    });
    expect(dependency(rewired, ordersRef)).toMatchObject({
      target: 'preview',
      url: bUrl,
      env: 'SERVICE_B_URL',
    });
    expect(rewired.group).toBe(branch);
    await waitFor(
      "A's env pointing at B",
      async () => (await envOf(a.namespace, 'web')).SERVICE_B_URL === bUrl,
    );
    expect((await envOf(b.namespace, 'app')).DEP_WEB_URL).toBe(aUrl);
    expect(await namespaceLabels(a.namespace)).toMatchObject({
      [`uses.backstage-previews.io/${b.name}`]: 'true',
    });
    expect(await namespaceLabels(b.namespace)).toMatchObject({
      [`uses.backstage-previews.io/${a.name}`]: 'true',
    });
    await waitReady(a.id, 'A');
    await waitReady(b.id, 'B');

    const group = await request(server).get(
      `/api/previews/groups/${encodeURIComponent(branch)}`,
    );
    expect(group.status).toBe(200);
    expect(group.body.branch).toBe(branch);
    expect(group.body.items.map((p: Preview) => p.id).sort()).toEqual(
      [a.id, b.id].sort(),
    );

    const unknown = await request(server).delete(
      `/api/previews/groups/${encodeURIComponent(`dep-none-${run}`)}`,
    );
    expect(unknown.status).toBe(404);

    const destroyed = await request(server).delete(
      `/api/previews/groups/${encodeURIComponent(branch)}`,
    );
    expect(destroyed.status).toBe(202);
    expect(
      destroyed.body.items.map((p: Preview) => [p.id, p.status]).sort(),
    ).toEqual(
      [
        [a.id, 'destroying'],
        [b.id, 'destroying'],
      ].sort(),
    );
    const gone = await waitFor('both namespaces to be gone', async () => {
      const [pa, pb] = [await get(a.id), await get(b.id)];
      return pa.status === 'destroyed' && pb.status === 'destroyed'
        ? [pa, pb]
        : undefined;
    });
    // Destroyed previews are in no group.
    expect(gone.map(p => p.group)).toEqual([undefined, undefined]);
    expect(
      (
        await request(server).get(
          `/api/previews/groups/${encodeURIComponent(branch)}`,
        )
      ).body.items,
    ).toEqual([]);
  });

  it("keeps a user's choice of staging when a preview of the dependency appears on the branch", async () => {
    const branch = `dep-k-${run}`;
    const a = await create(webRef, branch);
    await waitReady(a.id, 'A');
    const chosen = await reroute(a.id, ordersRef, { target: 'staging' });
    expect(chosen.status).toBe(200);
    // Already on staging: nothing to roll out.
    expect(chosen.body.status).toBe('ready');
    const b = await get((await create(ordersRef, branch)).id);
    // B still finds A (its own dependency is not pinned)...
    expect(dependency(b, webRef)).toMatchObject({
      target: 'preview',
      previewId: a.id,
    });
    // ...but A stays on staging, through any redeploy.
    const redeployed = await request(server)
      .post(`/api/previews/previews/${a.id}/redeploy`)
      .send({});
    expect(redeployed.status).toBe(200);
    const after = await get(a.id);
    expect(dependency(after, ordersRef)).toEqual({
      entityRef: ordersRef,
      env: 'SERVICE_B_URL',
      target: 'staging',
      url: ORDERS_STAGING,
    });
    expect((await envOf(a.namespace, 'web')).SERVICE_B_URL).toBe(
      ORDERS_STAGING,
    );
    // B points at A, so both are in the branch's group.
    expect(after.group).toBe(branch);
  });
});
