import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { parseAllDocuments } from 'yaml';
import type { V1ClusterRole } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { waitFor } from '../../../plugins/previews-backend/src/testUtils';
import { repoRoot, testKubeconfigPath } from '../../cluster/testCluster';
import {
  SecurityBackend,
  secComponent,
  startSecurityBackend,
} from './securityBackend';
import { DEMO_IMAGE } from '../../cluster/testImages';

// Least privilege and secrets, on the real test cluster (RBAC enabled):
// the backend runs as a ServiceAccount bound only to the roles shipped in
// deploy/rbac, with namespace-scoped Secret access (it binds the Secrets role
// in each preview namespace itself, and reads the copy source through a Role
// in that namespace only). It creates, redeploys, reseeds and destroys a
// preview with a database and a copied Secret. And no configured secret
// (GitHub token, webhook secret, Argo CD token, the cluster token, the
// database password) shows up in any log line or API answer, errors included.

jest.setTimeout(420_000);

const run = Date.now().toString(36);
const name = `sec-rbac-${run}`;
const secrets = {
  githubToken: `ghp_secGitHubToken${run}`,
  webhookSecret: `sec-webhook-secret-${run}`,
  argoToken: `sec-argocd-token-${run}`,
  dbPassword: `sec-db-password-${run}`,
  clusterToken: '', // issued below
};
const base = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const sourceNamespace = `${name}-src`;
const spec = {
  workloads: [
    {
      name: 'app',
      image: DEMO_IMAGE,
      port: 8080,
      envFromSecrets: ['api-keys'],
    },
  ],
  secrets: [
    {
      name: 'api-keys',
      copyFrom: { namespace: sourceNamespace, name: 'api-keys' },
    },
  ],
  // the test cluster's file server (pods reach nothing outside this machine)
  databases: {
    postgres: {
      seed: {
        url: 'http://files.previews-fixtures.svc.cluster.local/files/orders.sql',
        version: 'v1',
      },
    },
  },
};

describe('least-privilege ServiceAccount and secrets', () => {
  let sec: SecurityBackend;
  let admin: Awaited<ReturnType<typeof adminClients>>;
  let pgAdmin: Knex | undefined;
  let knex: Knex;
  const answers: string[] = [];

  async function adminClients() {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(testKubeconfigPath());
    return {
      k8s,
      kc,
      core: kc.makeApiClient(k8s.CoreV1Api),
      rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
    };
  }

  beforeAll(async () => {
    admin = await adminClients();
    // The shipped roles, under names of this run (the bind rule follows the Secrets role's name).
    const docs = (file: string) =>
      parseAllDocuments(
        fs.readFileSync(path.join(repoRoot, 'deploy/rbac', file), 'utf8'),
      ).map(d => d.toJS());
    const roles = docs('previews-backend-clusterrole.yaml') as V1ClusterRole[];
    const secretsRole = roles.find(
      d => d.metadata?.name === 'backstage-previews-namespace-secrets',
    )!;
    const role = roles.find(
      d => d.metadata?.name === 'backstage-previews-backend',
    )!;
    const bindRule = role.rules!.find(r => r.verbs.includes('bind'))!;
    expect(bindRule.resourceNames).toEqual([
      'backstage-previews-namespace-secrets',
    ]);
    bindRule.resourceNames = [`${name}-secrets`];
    expect(role.rules!.some(r => r.resources?.includes('secrets'))).toBe(false);
    await admin.core.createNamespace({ body: { metadata: { name } } });
    await admin.core.createNamespacedServiceAccount({
      namespace: name,
      body: { metadata: { name: 'previews-backend' } },
    });
    await admin.rbac.createClusterRole({
      body: { ...role, metadata: { name } },
    });
    await admin.rbac.createClusterRole({
      body: { ...secretsRole, metadata: { name: `${name}-secrets` } },
    });
    await admin.rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name,
        },
        subjects: [
          { kind: 'ServiceAccount', name: 'previews-backend', namespace: name },
        ],
      },
    });
    // The copy source: a namespace with the shipped Role and RoleBinding, and a Secret to copy.
    await admin.core.createNamespace({
      body: { metadata: { name: sourceNamespace } },
    });
    await admin.core.createNamespacedSecret({
      namespace: sourceNamespace,
      body: {
        metadata: { name: 'api-keys' },
        type: 'Opaque',
        stringData: { PAYMENT_KEY: `sec-payment-key-${run}` },
      },
    });
    const [sourceRole, sourceBinding] = docs(
      'previews-backend-secret-source.yaml',
    );
    await admin.rbac.createNamespacedRole({
      namespace: sourceNamespace,
      body: {
        ...sourceRole,
        metadata: { ...sourceRole.metadata, namespace: sourceNamespace },
      },
    });
    await admin.rbac.createNamespacedRoleBinding({
      namespace: sourceNamespace,
      body: {
        ...sourceBinding,
        metadata: { ...sourceBinding.metadata, namespace: sourceNamespace },
        subjects: [
          { kind: 'ServiceAccount', name: 'previews-backend', namespace: name },
        ],
      },
    });
    const token = await admin.core.createNamespacedServiceAccountToken({
      name: 'previews-backend',
      namespace: name,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    secrets.clusterToken = token.status!.token;
    const cluster = admin.kc.getCurrentCluster()!;
    const caData =
      cluster.caData ?? fs.readFileSync(cluster.caFile!).toString('base64');

    // A database role of its own, with a password only this test knows.
    if (base) {
      pgAdmin = knexFactory({ client: 'pg', connection: base });
      const role = `sec_${run}`;
      await pgAdmin.raw(
        `CREATE ROLE ${role} LOGIN PASSWORD '${secrets.dbPassword}'`,
      );
      await pgAdmin.raw(`CREATE DATABASE ${role} OWNER ${role}`);
      const url = new URL(base);
      url.username = role;
      url.password = secrets.dbPassword;
      url.pathname = `/${role}`;
      knex = knexFactory({ client: 'pg', connection: url.toString() });
    }

    sec = await startSecurityBackend({
      entities: [
        secComponent('sec-rbac', {
          'backstage-previews.io/spec': JSON.stringify(spec),
        }),
      ],
      webhookSecret: secrets.webhookSecret,
      githubToken: secrets.githubToken,
      ...(base ? { knex } : {}),
      config: {
        backend: {
          database: {
            client: 'pg',
            connection: {
              host: '127.0.0.1',
              user: `sec_${run}`,
              password: secrets.dbPassword,
            },
          },
        },
      },
      previews: {
        kubernetes: {
          cluster: {
            name: 'rbac',
            url: cluster.server,
            serviceAccountToken: secrets.clusterToken,
            caData,
          },
          secretAccess: {
            clusterRole: `${name}-secrets`,
            subject: {
              kind: 'ServiceAccount',
              name: 'previews-backend',
              namespace: name,
            },
          },
          secretSources: [{ namespace: sourceNamespace, names: ['api-keys'] }],
        },
        argocd: {
          url: 'http://127.0.0.1:9/argocd',
          token: secrets.argoToken,
          requestTimeoutSeconds: 1,
          kubernetes: { kubeconfig: testKubeconfigPath() },
        },
      },
    });
  });

  afterAll(async () => {
    await sec?.stop();
    await knex?.destroy();
    if (pgAdmin) {
      await pgAdmin.raw(`DROP DATABASE IF EXISTS sec_${run}`);
      await pgAdmin.raw(`DROP ROLE IF EXISTS sec_${run}`);
      await pgAdmin.destroy();
    }
    await admin?.rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
    await admin?.rbac.deleteClusterRole({ name }).catch(() => undefined);
    await admin?.rbac
      .deleteClusterRole({ name: `${name}-secrets` })
      .catch(() => undefined);
    await admin?.core.deleteNamespace({ name }).catch(() => undefined);
    await admin?.core
      .deleteNamespace({ name: sourceNamespace })
      .catch(() => undefined);
  });

  /** Calls the API and keeps the whole answer for the secrets check. */
  async function call<T = any>(
    method: 'get' | 'post' | 'delete',
    url: string,
    body?: object,
  ) {
    let req = sec.api()[method](`/api/previews${url}`);
    if (body) req = req.send(body);
    const res = await req;
    answers.push(`${res.status} ${JSON.stringify(res.headers)} ${res.text}`);
    return res as typeof res & { body: T };
  }

  it('creates, redeploys, reseeds and destroys a preview with Secrets only in its own namespace and the copy source', async () => {
    // The identity really is restricted: no ClusterRoles, no Secrets elsewhere.
    const restricted = new admin.k8s.KubeConfig();
    restricted.loadFromOptions({
      clusters: [{ ...admin.kc.getCurrentCluster()!, name: 'c' }],
      users: [{ name: 'u', token: secrets.clusterToken }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const asBackend = restricted.makeApiClient(admin.k8s.CoreV1Api);
    await expect(
      restricted
        .makeApiClient(admin.k8s.RbacAuthorizationV1Api)
        .listClusterRole(),
    ).rejects.toMatchObject({ code: 403 });
    await expect(asBackend.listSecretForAllNamespaces()).rejects.toMatchObject({
      code: 403,
    });
    await expect(
      asBackend.listNamespacedSecret({ namespace: 'kube-system' }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      asBackend.listNamespacedSecret({ namespace: sourceNamespace }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      asBackend.readNamespacedSecret({
        namespace: sourceNamespace,
        name: 'api-keys',
      }),
    ).resolves.toBeDefined();

    const branch = `sec-rbac-${run}`;
    const created = await call<Preview>('post', '/previews', {
      entityRef: 'component:default/sec-rbac',
      branch,
    });
    expect(created.status).toBe(201);
    const preview = created.body;
    const ready = await waitFor(
      'the preview and its seed to be ready',
      async () => {
        const p = (await call<Preview>('get', `/previews/${preview.id}`)).body;
        return p.status === 'ready' && p.seed?.phase === 'ready'
          ? p
          : undefined;
      },
      240_000,
    );
    expect(ready.statusMessage ?? '').not.toMatch(/forbidden/i);
    // The namespace and its objects were written by the ServiceAccount.
    const deployment = await admin.kc
      .makeApiClient(admin.k8s.AppsV1Api)
      .readNamespacedDeployment({ name: 'app', namespace: preview.name });
    expect(deployment.metadata?.managedFields?.map(f => f.manager)).toContain(
      'backstage-previews',
    );
    // Its Secret access is a RoleBinding in the preview namespace, and the Secret was copied with it.
    const binding = await admin.rbac.readNamespacedRoleBinding({
      name: 'backstage-previews-secrets',
      namespace: preview.name,
    });
    expect(binding.roleRef.name).toBe(`${name}-secrets`);
    const copied = await admin.core.readNamespacedSecret({
      name: 'api-keys',
      namespace: preview.name,
    });
    expect(Buffer.from(copied.data!.PAYMENT_KEY, 'base64').toString()).toBe(
      `sec-payment-key-${run}`,
    );
    await expect(
      asBackend.listNamespacedSecret({ namespace: preview.name }),
    ).resolves.toBeDefined();
    await expect(
      asBackend.listNamespacedSecret({ namespace: 'kube-system' }),
    ).rejects.toMatchObject({ code: 403 });

    const passwordBefore = (
      await admin.core.readNamespacedSecret({
        name: 'postgres',
        namespace: preview.name,
      })
    ).data!.password;
    const redeployed = await call<Preview>(
      'post',
      `/previews/${preview.id}/redeploy`,
      { sha: 'b'.repeat(40) },
    );
    expect(redeployed.status).toBe(200);
    await waitFor('the redeploy to be ready', async () => {
      const p = (await call<Preview>('get', `/previews/${preview.id}`)).body;
      return p.status === 'ready' && p.sha === 'b'.repeat(40);
    });
    // Same password after the redeploy: it was read back from the preview's own Secret.
    const password = (
      await admin.core.readNamespacedSecret({
        name: 'postgres',
        namespace: preview.name,
      })
    ).data!.password;
    expect(password).toBe(passwordBefore);

    const reseeded = await call<Preview>(
      'post',
      `/previews/${preview.id}/reseed`,
    );
    expect(reseeded.status).toBe(200);
    await waitFor(
      'the reseed to be ready',
      async () => {
        const p = (await call<Preview>('get', `/previews/${preview.id}`)).body;
        return p.status === 'ready' &&
          p.seed?.phase === 'ready' &&
          p.seed.generation === 2
          ? p
          : undefined;
      },
      240_000,
    );
    expect(
      (
        await admin.core.readNamespacedSecret({
          name: 'postgres',
          namespace: preview.name,
        })
      ).data!.password,
    ).toBe(password);

    expect((await call('delete', `/previews/${preview.id}`)).status).toBe(202);
    await waitFor('the preview to be destroyed', async () => {
      const p = (await call<Preview>('get', `/previews/${preview.id}`)).body;
      return p.status === 'destroyed';
    });
    await expect(
      admin.core.readNamespace({ name: preview.name }),
    ).rejects.toMatchObject({ code: 404 });
    expect(sec.logs.text()).not.toMatch(/forbidden/i);
  });

  it('never shows a configured secret in logs or API answers, errors included', async () => {
    // Answers of every read route, and errors that involve each secret's user.
    await call('get', '/previews');
    await call(
      'get',
      '/previews?includeDestroyed=true&entityRef=component:default/sec-rbac',
    );
    await call('get', '/orphans?minAgeMinutes=0');
    await call('get', '/health');
    sec.github.inject(/branches|pulls/, { kind: 'status', status: 500 });
    await call('get', '/branches?entityRef=component:default/sec-rbac');
    sec.github.clearFaults();
    sec.github.inject(/branches|pulls/, {
      kind: 'rateLimit',
      resetInSeconds: 60,
    });
    await call('get', '/branches?entityRef=component:default/sec-rbac&q=x');
    sec.github.clearFaults();
    await call('get', '/branches?entityRef=component:default/sec-rbac&q=y');
    await call('post', '/previews', {
      entityRef: 'component:default/sec-rbac',
      pullRequest: 424242,
    });
    await call('post', '/previews', {
      entityRef: 'component:default/sec-rbac',
      branch: 'a..b',
    });
    const listed = await call<{ items: Preview[] }>(
      'get',
      '/previews?includeDestroyed=true&entityRef=component:default/sec-rbac',
    );
    for (const p of listed.body.items)
      await call('get', `/previews/${p.id}/events`);

    const logs = sec.logs.text();
    expect(logs.length).toBeGreaterThan(1000);
    expect(answers.length).toBeGreaterThan(10);
    for (const [what, value] of Object.entries(secrets)) {
      expect(value.length).toBeGreaterThan(8);
      expect({ what, inLogs: logs.includes(value) }).toEqual({
        what,
        inLogs: false,
      });
      const leaked = answers.filter(a => a.includes(value));
      expect({ what, inAnswers: leaked }).toEqual({ what, inAnswers: [] });
    }
  });
});
