import request from 'supertest';
import { Knex } from 'knex';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { Entity } from '@backstage/catalog-model';
import type { KubeConfig } from '@kubernetes/client-node';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import { FakeGitHub } from '@backstage-previews/test/github/fakeGitHub';
import {
  checkRunEvent,
  pullRequestEvent,
} from '@backstage-previews/test/github/webhookPayloads';
import { FakeJira } from '@backstage-previews/test/jira/fakeJira';
import { previewsDefaultModules } from '../features';
import { previewsPlugin } from '../plugin';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import {
  previewComponent,
  recordingSchedulerFactory,
  waitFor,
} from '../testUtils';

// The GitHub extras on the real test cluster: previews that wait for the
// image's CI check (`previews.github.requiredCheck`), polling that recovers
// missed `labeled` events and check runs, and Jira remote links.

jest.setTimeout(180_000);

const run = Date.now().toString(36);
const REPO = 'acme/extras';
const CHECK = 'build-image';
const sha = (c: string) => c.repeat(40).slice(0, 40);

function component(name: string): Entity {
  return previewComponent(name, {
    'backstage-previews.io/spec': JSON.stringify({
      workloads: [{ name: 'web', image: 'registry.local/demo:1', port: 80 }],
    }),
    'github.com/project-slug': REPO,
  });
}

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

describe('GitHub extras: build waits, missed labels, Jira', () => {
  const github = new FakeGitHub();
  const jira = new FakeJira();
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
  });
  const tasks = new Map<
    string,
    SchedulerServiceTaskInvocationDefinition['fn']
  >();
  let reconciler: NodeJS.Timeout | undefined;
  let knex: Knex;
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let delivery = 0;

  // Records scheduled tasks so the test runs them when it wants.
  const schedulerFactory = recordingSchedulerFactory(tasks);

  beforeAll(async () => {
    await github.start();
    await jira.start();
    jira.addIssue('SHOP-42');
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(testKubeconfigPath());
    knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        previewsPlugin,
        ...previewsDefaultModules,
        schedulerFactory,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events.forPlugin('previews'),
        }),
        catalogServiceMock.factory({ entities: [component('ghx-web')] }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [
                { host: 'github.test', apiBaseUrl: github.url, token: 't' },
              ],
            },
            previews: {
              baseDomain: 'previews.test',
              urlScheme: 'http',
              orphanSweep: { enabled: false },
              kubernetes: { kubeconfig: testKubeconfigPath() },
              github: {
                host: 'github.test',
                label: 'preview',
                requiredCheck: CHECK,
                requestTimeoutSeconds: 2,
              },
              jira: {
                baseUrl: jira.url,
                email: 'bot@acme.test',
                token: 'jt',
                projectKeys: ['SHOP'],
              },
            },
          },
        }),
      ],
    });
    reconciler = setInterval(
      () => void tasks.get('previews-reconcile')?.({} as any),
      1000,
    );
  });

  const api = () => request(backend.server);
  const getPreview = async (id: string): Promise<Preview> =>
    (await api().get(`/api/previews/previews/${id}`)).body;
  const previews = async (): Promise<Preview[]> =>
    (
      await api()
        .get('/api/previews/previews')
        .query({ entityRef: 'component:default/ghx-web' })
    ).body.items;
  const ofPr = async (n: number) =>
    (await previews()).filter(p => p.pullRequest?.number === n);
  const waitForStatus = (id: string, status: string) =>
    waitFor(`preview ${id} to be ${status}`, async () => {
      const p = await getPreview(id);
      return p.status === status ? p : undefined;
    });
  const namespaceExists = async (name: string) =>
    kc
      .makeApiClient(k8s.CoreV1Api)
      .readNamespace({ name })
      .then(() => true)
      .catch(e => (e.code === 404 ? false : Promise.reject(e)));
  const poll = () => tasks.get('previews-github-poll')!({} as any);
  const openPr = (
    n: number,
    branch: string,
    head: string,
    changes: Record<string, unknown> = {},
  ) =>
    github.addPull(REPO, {
      number: n,
      title: `Change ${n}`,
      head: { ref: branch, sha: head },
      base: { ref: 'main' },
      ...changes,
    });
  const sendPr = (
    action: string,
    n: number,
    options: { label?: string } = {},
  ) =>
    events.publish({
      topic: 'github.pull_request',
      eventPayload: pullRequestEvent(
        action,
        github.pullJson(REPO, github.repo(REPO).pulls.get(n)!),
        options,
      ),
      metadata: {
        'x-github-event': 'pull_request',
        'x-github-delivery': `x-${run}-${++delivery}`,
      },
    });
  const label = async (n: number) => {
    github.updatePull(REPO, n, { labels: ['preview'] });
    await sendPr('labeled', n, { label: 'preview' });
  };
  const sendCheck = (headSha: string, conclusion: string) =>
    events.publish({
      topic: 'github.check_run',
      eventPayload: checkRunEvent(
        'completed',
        github.checkRunJson(
          github.completeCheckRun(REPO, headSha, CHECK, conclusion),
        ),
        github.repoJson(REPO),
      ),
      metadata: {
        'x-github-event': 'check_run',
        'x-github-delivery': `x-${run}-${++delivery}`,
      },
    });

  afterAll(async () => {
    if (reconciler) clearInterval(reconciler);
    for (const p of await previews().catch(() => [])) {
      await api()
        .delete(`/api/previews/previews/${p.id}`)
        .catch(() => undefined);
    }
    await backend?.stop();
    await github.stop();
    await jira.stop();
  });

  it('waits for the image check, follows a new head commit, deploys on the check_run event and links Jira', async () => {
    const first = sha('a');
    const second = sha('b');
    github.addCheckRun(REPO, {
      sha: first,
      name: CHECK,
      status: 'in_progress',
      conclusion: null,
    });
    github.addCheckRun(REPO, {
      sha: first,
      name: 'lint',
      status: 'completed',
      conclusion: 'success',
    });
    openPr(21, `SHOP-42-wait-${run}`, first);
    await label(21);
    const [waiting] = await ofPr(21);
    expect(waiting).toMatchObject({
      status: 'waiting-for-build',
      sha: first,
      trigger: 'label',
    });
    expect(waiting.statusMessage).toContain(CHECK);
    expect(waiting.links).toContainEqual({
      title: `Check run: ${CHECK}`,
      url: expect.stringMatching(
        /^https:\/\/github\.test\/acme\/extras\/runs\/\d+$/,
      ),
    });
    const checkCalls = github.requests.filter(r =>
      r.path.startsWith(`/repos/${REPO}/commits/${first}/check-runs`),
    );
    expect(checkCalls[0].path).toContain(`check_name=${CHECK}`);
    await new Promise(r => setTimeout(r, 2500)); // a few reconcile rounds
    expect((await getPreview(waiting.id)).status).toBe('waiting-for-build');
    expect(await namespaceExists(waiting.name)).toBe(false);

    // A new head commit while waiting: the wait moves to its check.
    github.addCheckRun(REPO, {
      sha: second,
      name: CHECK,
      status: 'queued',
      conclusion: null,
    });
    github.updatePull(REPO, 21, {
      head: { ref: `SHOP-42-wait-${run}`, sha: second },
    });
    await sendPr('synchronize', 21);
    const moved = await getPreview(waiting.id);
    expect(moved).toMatchObject({ status: 'waiting-for-build', sha: second });
    expect(moved.statusMessage).toContain(second.slice(0, 7));
    // The old commit's check completing changes nothing.
    await sendCheck(first, 'success');
    expect((await getPreview(waiting.id)).status).toBe('waiting-for-build');

    await sendCheck(second, 'success');
    expect(['provisioning', 'ready']).toContain(
      (await getPreview(waiting.id)).status,
    );
    const ready = await waitForStatus(waiting.id, 'ready');
    expect(ready.sha).toBe(second);
    expect(await namespaceExists(waiting.name)).toBe(true);

    const link = await waitFor('a Jira remote link', () =>
      jira.links('SHOP-42').length ? jira.links('SHOP-42') : undefined,
    );
    expect(link).toHaveLength(1);
    expect(link[0]).toMatchObject({
      globalId: `backstage-previews:${waiting.id}`,
      object: { url: ready.url, status: { resolved: false } },
    });
    expect(link[0].object.summary).toContain('ready');
    expect(jira.requests[0].authorization).toBe(
      `Basic ${Buffer.from('bot@acme.test:jt').toString('base64')}`,
    );

    await api().delete(`/api/previews/previews/${waiting.id}`);
    await waitForStatus(waiting.id, 'destroyed');
    await waitFor('the Jira link updated', () =>
      jira.links('SHOP-42')[0]?.object.title.includes('(destroyed)')
        ? true
        : undefined,
    );
    expect(jira.links('SHOP-42')).toHaveLength(1);
    expect(jira.links('SHOP-42')[0].object.status).toEqual({ resolved: true });
  });

  it('fails a waiting preview when the check concludes otherwise; destroy from waiting applies nothing', async () => {
    const head = sha('c');
    github.addCheckRun(REPO, {
      sha: head,
      name: CHECK,
      status: 'in_progress',
      conclusion: null,
    });
    openPr(22, `fail-${run}`, head);
    await label(22);
    const [waiting] = await ofPr(22);
    expect(waiting.status).toBe('waiting-for-build');
    await sendCheck(head, 'failure');
    const failed = await getPreview(waiting.id);
    expect(failed.status).toBe('failed');
    expect(failed.statusMessage).toBe(`check ${CHECK} concluded failure`);
    expect(await namespaceExists(waiting.name)).toBe(false);
    expect(failed.links).toContainEqual(
      expect.objectContaining({ title: `Check run: ${CHECK}` }),
    );

    // A fix pushed: it waits again, for the new commit's check.
    const fixed = sha('8');
    github.addCheckRun(REPO, {
      sha: fixed,
      name: CHECK,
      status: 'in_progress',
      conclusion: null,
    });
    github.updatePull(REPO, 22, { head: { ref: `fail-${run}`, sha: fixed } });
    await sendPr('synchronize', 22);
    expect(await getPreview(waiting.id)).toMatchObject({
      status: 'waiting-for-build',
      sha: fixed,
    });
    await sendCheck(fixed, 'success');
    expect(['provisioning', 'ready']).toContain(
      (await getPreview(waiting.id)).status,
    );

    const head2 = sha('d');
    github.addCheckRun(REPO, {
      sha: head2,
      name: CHECK,
      status: 'in_progress',
      conclusion: null,
    });
    openPr(23, `gone-${run}`, head2);
    await label(23);
    const [other] = await ofPr(23);
    expect(other.status).toBe('waiting-for-build');
    const res = await api().delete(`/api/previews/previews/${other.id}`);
    expect(res.status).toBeLessThan(300);
    expect((await getPreview(other.id)).status).toBe('destroyed');
    await api().delete(`/api/previews/previews/${waiting.id}`);
  });

  it('a preview of a pull request created from the portal waits for the check too', async () => {
    const head = sha('9');
    github.addCheckRun(REPO, {
      sha: head,
      name: CHECK,
      status: 'queued',
      conclusion: null,
    });
    openPr(28, `portal-${run}`, head);
    const res = await api()
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/ghx-web', pullRequest: 28 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'waiting-for-build',
      trigger: 'portal',
      sha: head,
    });
    expect(res.body.links).toContainEqual(
      expect.objectContaining({ title: `Check run: ${CHECK}` }),
    );
    await api().delete(`/api/previews/previews/${res.body.id}`);
    expect((await getPreview(res.body.id)).status).toBe('destroyed');
  });

  it('polling deploys a waiting preview whose check_run event was missed; errors change nothing', async () => {
    const head = sha('e');
    github.addCheckRun(REPO, {
      sha: head,
      name: CHECK,
      status: 'in_progress',
      conclusion: null,
    });
    openPr(24, `poll-${run}`, head);
    await label(24);
    const [waiting] = await ofPr(24);
    expect(waiting.status).toBe('waiting-for-build');
    github.completeCheckRun(REPO, head, CHECK, 'success'); // no event

    github.inject(
      new RegExp(`GET /repos/${REPO}/commits/${head}/check-runs`),
      { kind: 'status', status: 500 },
      1,
    );
    await poll();
    expect((await getPreview(waiting.id)).status).toBe('waiting-for-build');

    await poll();
    const deployed = await getPreview(waiting.id);
    expect(deployed).toMatchObject({
      status: expect.stringMatching(/^(provisioning|ready)$/),
    });
    await waitForStatus(waiting.id, 'ready');
    await api().delete(`/api/previews/previews/${waiting.id}`);
    await waitForStatus(waiting.id, 'destroyed');
  });

  it('polling creates the previews of labelled pull requests whose labeled event was missed, by the policy', async () => {
    const head = sha('f');
    github.addCheckRun(REPO, {
      sha: head,
      name: CHECK,
      status: 'completed',
      conclusion: 'success',
    });
    openPr(25, `missed-${run}`, head, { labels: ['preview'] });
    openPr(26, `draft-${run}`, sha('1'), { labels: ['preview'], draft: true });
    openPr(27, `unlabelled-${run}`, sha('2'), { labels: ['bug'] });

    github.inject(
      new RegExp(`GET /repos/${REPO}/pulls$`),
      { kind: 'status', status: 502 },
      1,
    );
    await poll();
    expect(await ofPr(25)).toEqual([]);

    await poll();
    const [created] = await ofPr(25);
    expect(created).toMatchObject({
      trigger: 'label',
      sha: head,
      branch: `missed-${run}`,
    });
    expect(await ofPr(26)).toEqual([]);
    expect(await ofPr(27)).toEqual([]);
    await poll(); // idempotent
    expect(await ofPr(25)).toHaveLength(1);
    await waitForStatus(created.id, 'ready');
    await api().delete(`/api/previews/previews/${created.id}`);
    await waitForStatus(created.id, 'destroyed');
  });
});
