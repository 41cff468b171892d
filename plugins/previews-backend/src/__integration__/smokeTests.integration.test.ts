import {
  Preview,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';
import { testKubeconfigPath } from '@backstage-previews/test/cluster/testCluster';
import {
  DEMO_IMAGE,
  ingressPort,
} from '@backstage-previews/test/cluster/testImages';
import { FakeGitHub } from '@backstage-previews/test/github/fakeGitHub';
import { loadGitHubRestDescription } from '@backstage-previews/test/github/githubRestDescription';
import {
  PreviewsTestBackend,
  startPreviewsTestBackend,
} from '../__testUtils__/testBackend';
import { previewComponent, waitFor } from '../testUtils';

// Smoke tests on the real test cluster: the spec's tests run as Jobs in the
// preview's namespace once it is ready, open the preview's protected URL
// through nginx's forward auth with the run's bypass token (from inside the
// cluster, as a CI job would), and are reported in the API, in the pod logs
// and as a check run on the pull request's head commit (a loopback GitHub,
// whose answers and the bodies sent to it are checked against GitHub's
// OpenAPI description).

jest.setTimeout(420_000);

const run = Date.now().toString(36);
const REPO = 'acme/smoke';
const HEAD = 'c0ffee'.repeat(7).slice(0, 40);
const marker = `smoke-${run}`;
/** Pushed to the test registry under its Docker Hub name (node.sh). */
const CURL_IMAGE = 'curlimages/curl:8.10.1';
const spec = {
  workloads: [
    {
      name: 'web',
      image: DEMO_IMAGE,
      port: 8080,
      env: { PREVIEW_BRANCH: marker },
    },
  ],
  tests: [
    {
      // Reaches the app through the Ingress with the token, and not without it.
      name: 'reaches-app',
      // Debian's curl (a static busybox cannot resolve names); its user is a name, so a uid for the restricted namespace.
      image: CURL_IMAGE,
      runAsUser: 100,
      timeoutSeconds: 120,
      command: ['/bin/sh', '-c'],
      args: [
        [
          'code=$(curl -s -m 5 -o /dev/null -w "%{http_code}" "$PREVIEW_URL/about")',
          'if [ "$code" != 302 ]; then echo "without the token the URL answered $code, not the sign-in redirect"; exit 4; fi',
          'out=$(curl -fsS -m 10 -H "$PREVIEW_BYPASS_HEADER: $PREVIEW_BYPASS_TOKEN" "$PREVIEW_URL/about") || exit 5',
          'case "$out" in *"$EXPECTED"*) ;; *) echo "unexpected answer: $out"; exit 6 ;; esac',
          'echo "the app at $PREVIEW_URL answered as $EXPECTED"',
        ].join('\n'),
      ],
      env: { EXPECTED: marker },
    },
    {
      // Fails its first run, passes when run again: a flaky checkout.
      name: 'checkout',
      image: DEMO_IMAGE,
      command: [
        '/bin/sh',
        '-c',
        'if [ "$PREVIEW_RUN" -lt 2 ]; then echo "checkout total is 0, expected 42"; exit 3; fi; echo "checkout ok"',
      ],
      timeoutSeconds: 120,
    },
  ],
};

describe('smoke tests of a pull request preview', () => {
  const github = new FakeGitHub();
  let t: PreviewsTestBackend;
  let preview: Preview;

  const testsOf = async () => (await t.get(preview.id)).tests as PreviewTestRun;
  const untilRunEnds = (n: number) =>
    waitFor(
      `run ${n} of the smoke tests to end`,
      async () => {
        const tests = await testsOf();
        return tests?.run === n &&
          (tests.status === 'passed' || tests.status === 'failed')
          ? tests
          : undefined;
      },
      300_000,
    );
  const checkRuns = () =>
    github.repo(REPO).checkRuns.filter(r => r.name === 'preview/smoke-web');
  const comment = () =>
    github.repo(REPO).comments.find(c => c.body.includes('backstage-previews'))
      ?.body ?? '';

  beforeAll(async () => {
    await github.start();
    github.addPull(REPO, {
      number: 7,
      title: 'Checkout',
      head: { ref: `feature/${marker}`, sha: HEAD },
      base: { ref: 'main' },
    });
    t = await startPreviewsTestBackend({
      entities: [
        previewComponent('smoke-web', {
          'backstage-previews.io/spec': JSON.stringify(spec),
          'github.com/project-slug': REPO,
        }),
      ],
      rootConfig: {
        app: { baseUrl: 'http://portal.test' },
        integrations: {
          github: [{ host: 'github.test', apiBaseUrl: github.url, token: 't' }],
        },
      },
      previews: {
        // The test cluster's DNS sends *.previews.test to its node, where nginx listens (pods take *.localhost for themselves).
        baseDomain: 'previews.test',
        urlPort: ingressPort(),
        kubernetes: { kubeconfig: testKubeconfigPath() },
        github: {
          host: 'github.test',
          requireTestsToPass: true,
          requestTimeoutSeconds: 5,
        },
      },
    });
    const created = await t
      .api()
      .post('/api/previews/previews')
      .send({ entityRef: 'component:default/smoke-web', pullRequest: 7 });
    if (created.status !== 201)
      throw new Error(
        `create: ${created.status} ${JSON.stringify(created.body)}`,
      );
    preview = created.body;
  });

  afterAll(async () => {
    if (preview) await t.destroyAndWait(preview.id).catch(() => undefined);
    await t?.stop();
    await github.stop();
  });

  it('runs once the preview is ready: a failing test marks it degraded, nothing is destroyed', async () => {
    expect(preview.tests).toMatchObject({
      run: 1,
      status: 'pending',
      trigger: 'create',
      sha: HEAD,
    });
    const first = await untilRunEnds(1);
    expect(first).toMatchObject({
      status: 'failed',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    const [reaches, checkout] = first.results;
    expect(reaches).toMatchObject({
      name: 'reaches-app',
      status: 'passed',
      pod: expect.stringMatching(/^test-r1-reaches-app-/),
      container: 'test',
    });
    expect(checkout).toMatchObject({
      name: 'checkout',
      status: 'failed',
      message: 'exited with code 3\ncheckout total is 0, expected 42',
    });
    const now = await waitFor(
      'the preview to be degraded by its tests',
      async () => {
        const p = await t.get(preview.id);
        return p.status === 'degraded' ? p : undefined;
      },
    );
    expect(now.statusMessage).toBe('tests failed: checkout');
    // The app still runs: the verdict is the tests', not the workloads'.
    expect(now.details).toMatchObject({ podsReady: 1, podsTotal: 1 });
  });

  it('shows each test’s output as the log of its pod', async () => {
    const { results } = await testsOf();
    const log = async (name: string) => {
      const r = results.find(x => x.name === name)!;
      const res = await t
        .api()
        .get(`/api/previews/previews/${preview.id}/pods/${r.pod}/logs`)
        .query({ container: r.container });
      expect(res.status).toBe(200);
      return res.text;
    };
    expect(await log('reaches-app')).toContain(`answered as ${marker}`);
    expect(await log('checkout')).toContain('checkout total is 0, expected 42');
    const pods = (
      await t.api().get(`/api/previews/previews/${preview.id}/pods`)
    ).body.items;
    expect(
      pods
        .filter((p: { role: string }) => p.role === 'test')
        .map((p: { of: string }) => p.of)
        .sort(),
    ).toEqual(['checkout', 'reaches-app']);
  });

  it('reports the run as a check run on the head commit and withholds the URL from the comment', async () => {
    const failed = await waitFor('a completed check run', () =>
      checkRuns().find(r => r.status === 'completed'),
    );
    expect(checkRuns()).toHaveLength(1);
    expect(failed).toMatchObject({
      sha: HEAD,
      conclusion: 'failure',
      external_id: `${preview.id}/1`,
      details_url:
        'http://portal.test/catalog/default/component/smoke-web/previews',
      output: {
        title: '1 of 2 smoke tests passed',
        summary: expect.stringContaining('checkout total is 0, expected 42'),
      },
    });
    await waitFor('the comment to show the tests', () =>
      comment().includes('| Smoke tests | failed: checkout |'),
    );
    expect(comment()).toContain(
      '| URL | – (shown once the smoke tests pass) |',
    );
  });

  it('re-runs: 409 while a run is going, then a passing run makes it ready and completes a second check run', async () => {
    const rerun = await t
      .api()
      .post(`/api/previews/previews/${preview.id}/tests/rerun`)
      .send({});
    expect(rerun.status).toBe(200);
    expect(rerun.body.tests).toMatchObject({
      run: 2,
      status: 'running',
      trigger: 'rerun',
    });
    expect(
      (
        await t
          .api()
          .post(`/api/previews/previews/${preview.id}/tests/rerun`)
          .send({})
      ).status,
    ).toBe(409);
    const second = await untilRunEnds(2);
    expect(second.status).toBe('passed');
    expect(second.results.map(r => [r.name, r.status])).toEqual([
      ['reaches-app', 'passed'],
      ['checkout', 'passed'],
    ]);
    await t.waitForStatus(preview.id, 'ready');
    const passed = await waitFor('the second check run to complete', () =>
      checkRuns().find(
        r => r.external_id === `${preview.id}/2` && r.status === 'completed',
      ),
    );
    expect(passed.conclusion).toBe('success');
    // The first run's check run stays as it was.
    expect(
      checkRuns().find(r => r.external_id === `${preview.id}/1`)?.conclusion,
    ).toBe('failure');
    await waitFor('the comment to show the URL', () =>
      comment().includes(`| URL | ${preview.url} |`),
    );
    const events = (
      await t.api().get(`/api/previews/previews/${preview.id}/events`)
    ).body.items.map((e: { type: string }) => e.type);
    expect(events).toEqual(
      expect.arrayContaining(['tests-running', 'tests-failed', 'tests-passed']),
    );
  });

  it('sent GitHub only check run bodies its description takes', () => {
    const description = loadGitHubRestDescription();
    const sent = github.requests.filter(
      r =>
        /\/check-runs(\/\d+)?$/.test(r.path.split('?')[0]) &&
        r.method !== 'GET',
    );
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const r of sent) {
      const path =
        r.method === 'POST'
          ? '/repos/{owner}/{repo}/check-runs'
          : '/repos/{owner}/{repo}/check-runs/{check_run_id}';
      expect({
        request: `${r.method} ${r.path}`,
        problems: description.requestProblems(r.method, path, r.body),
      }).toEqual({ request: `${r.method} ${r.path}`, problems: [] });
    }
  });
});
