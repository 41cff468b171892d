/**
 * Browser test: the portal (built app served by the real backend, real test
 * cluster behind it, a loopback GitHub for the branch picker) in Debian's
 * Chromium driven by playwright-core. On the components of
 * test/e2e/catalog.e2e.yaml it creates a preview of a pull request from the
 * picker, watches it provision and seed, extends it, reroutes its dependency
 * to a preview of the dependency, reseeds its database, looks at the org-wide
 * page and the dark theme, and destroys everything it created. Each step is
 * one test; screenshots of each go to test/e2e/screenshots/. Run by the
 * README's test command after the app is built; prints
 * "e2e: N passed, N failed".
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import { repoRoot, testKubeconfigPath } from '../cluster/testCluster';
import { FakeGitHub } from '../github/fakeGitHub';
import {
  destroyFromRow,
  freePort,
  launchChromium,
  openPreviewsTab as openTab,
  statusOf,
  waitForStatus,
} from './portalBrowser';

// The portal's port: a free one, chosen at start (a fixed port answered by
// a process left from another run would make this run test that one).
let PORT = 7017;
let BASE = `http://localhost:${PORT}`;

const SCREENSHOTS = path.join(repoRoot, 'test', 'e2e', 'screenshots');
const RUN = Date.now().toString(36);
/** Branches of this run (prefix ui-, as the components). */
const SHOP_BRANCH = `ui-cart-${RUN}`;
/** The URL of the ui-shop preview, read from its row once it is ready. */
let shopUrl = '';
const ORDERS_BRANCH = `ui-orders-${RUN}`;
const SHOP_REPO = 'example-org/ui-shop';
const PULL_NUMBER = 4242;
const PULL_TITLE = 'New cart with saved baskets';

async function waitForBackend(backend: ChildProcess, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null)
      throw new Error(`the backend exited with ${backend.exitCode}`);
    try {
      const res = await fetch(`${BASE}/api/previews/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error('the backend did not become healthy in time');
}

/**
 * Waits until the catalog has processed the test's components: the portal's
 * entity pages show "not found" before that (the catalog reads its locations
 * after start, slower on a loaded machine).
 */
async function waitForCatalog(components: string[], timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  const session = await fetch(`${BASE}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const token: string = (await session.json()).backstageIdentity.token;
  for (const name of components) {
    for (;;) {
      const res = await fetch(
        `${BASE}/api/catalog/entities/by-name/component/default/${name}`,
        {
          headers: { Authorization: `Bearer ${token}` },
        },
      );
      if (res.ok) break;
      if (Date.now() > deadline)
        throw new Error(
          `the catalog did not list ${name} in time (${res.status})`,
        );
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

/**
 * Config of this run on top of app-config.yaml and app-config.e2e.yaml: the
 * test's own components, and GitHub answered by the loopback fake.
 */
function writeRunConfig(githubUrl: string): string {
  const file = path.join(SCREENSHOTS, 'app-config.run.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      app: { baseUrl: BASE },
      backend: {
        baseUrl: BASE,
        listen: { port: PORT },
        cors: { origin: BASE },
      },
      catalog: {
        locations: [
          { type: 'file', target: '../../catalog-info.yaml' },
          { type: 'file', target: '../../examples/entities.yaml' },
          { type: 'file', target: '../../test/e2e/catalog.e2e.yaml' },
        ],
      },
      integrations: {
        github: [
          { host: 'github.test', apiBaseUrl: githubUrl, token: 'e2e-token' },
        ],
      },
      previews: {
        github: {
          host: 'github.test',
          pollIntervalMinutes: 600,
          requestTimeoutSeconds: 5,
        },
      },
    }),
  );
  return file;
}

/**
 * The backend as `yarn start` runs it, but without its file watcher: other
 * work in the checkout must not restart it (and empty its in-memory
 * database) in the middle of the test.
 */
function startBackend(kubeconfig: string, runConfig: string): ChildProcess {
  const log = fs.openSync(path.join(SCREENSHOTS, 'backend.log'), 'w');
  const backendDir = path.join(repoRoot, 'packages', 'backend');
  const nodeTransform = createRequire(
    path.join(backendDir, 'package.json'),
  ).resolve('@backstage/cli-node/config/nodeTransform.cjs');
  return spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      nodeTransform,
      'src/index.ts',
      '--config',
      '../../app-config.yaml',
      '--config',
      '../../test/e2e/app-config.e2e.yaml',
      '--config',
      runConfig,
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        ESBK_TSCONFIG_PATH: path.join(repoRoot, 'tsconfig.json'),
        PREVIEWS_TEST_KUBECONFIG: kubeconfig,
        PREVIEWS_KUBECONFIG: kubeconfig,
      },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
}

async function openPreviewsTab(page: Page, component: string) {
  await openTab(page, BASE, component, SCREENSHOTS);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/**
 * What the preview's app answers at one of its URLs, read in Chromium (which
 * resolves *.localhost to this machine): the status and the body's text.
 */
async function fetchInBrowser(
  context: BrowserContext,
  url: string,
): Promise<{ status: number; text: string }> {
  const tab = await context.newPage();
  try {
    const res = await tab.goto(url);
    return { status: res?.status() ?? 0, text: (await res?.text()) ?? '' };
  } catch (e) {
    return { status: 0, text: String(e) };
  } finally {
    await tab.close();
  }
}

/** Polls the URL until `ok` holds for its answer (the rollout, the proxy's routes, may lag). */
async function untilAnswer(
  context: BrowserContext,
  url: string,
  ok: (a: { status: number; text: string }) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<{ status: number; text: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = { status: 0, text: '' };
  while (Date.now() < deadline) {
    last = await fetchInBrowser(context, url);
    if (ok(last)) return last;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${url}: timed out waiting for ${what}; last answer ${
      last.status
    } ${last.text.slice(0, 200)}`,
  );
}

async function main() {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  PORT = await freePort();
  BASE = `http://localhost:${PORT}`;
  const kubeconfig = testKubeconfigPath();
  const github = new FakeGitHub();
  await github.start();
  github.addBranch(SHOP_REPO, 'main', 'a'.repeat(40));
  github.addBranch(SHOP_REPO, SHOP_BRANCH, 'b'.repeat(40));
  github.addPull(SHOP_REPO, {
    number: PULL_NUMBER,
    title: PULL_TITLE,
    head: { ref: SHOP_BRANCH, sha: 'b'.repeat(40) },
    base: { ref: 'main' },
    user: { login: 'ana' },
  });
  const backend = startBackend(kubeconfig, writeRunConfig(github.url));
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1600, height: 1000 },
  });
  const page = await context.newPage();

  const shopRow = page.getByTestId(`preview-row-${SHOP_BRANCH}`);
  const ordersRow = page.getByTestId(`preview-row-${ORDERS_BRANCH}`);

  const steps: Array<[name: string, run: () => Promise<void>]> = [
    [
      'a preview of the dependency, created by typing its branch',
      async () => {
        await waitForBackend(backend);
        await waitForCatalog(['ui-orders', 'ui-shop']);
        await openPreviewsTab(page, 'ui-orders');
        await page.getByRole('button', { name: 'Create preview' }).click();
        const dialog = page.getByRole('dialog');
        await dialog
          .getByRole('combobox', { name: /Branch/ })
          .fill(ORDERS_BRANCH);
        await dialog
          .getByRole('button', { name: 'Create', exact: true })
          .click();
        await ordersRow.waitFor({ timeout: 30_000 });
        await waitForStatus(ordersRow, 'ready');
      },
    ],
    [
      'its smoke test runs once it is ready, passes, and its log opens from the row',
      async () => {
        await ordersRow
          .getByRole('button', { name: /^Show details of / })
          .click();
        const test = page.getByTestId('preview-test-smoke');
        await test
          .getByText('passed', { exact: true })
          .waitFor({ timeout: 120_000 });
        await page
          .getByTestId('preview-tests')
          .getByText(/Run 1, after the create/)
          .waitFor();
        // The run is the last phase of the create's timeline.
        await ordersRow
          .getByTestId('preview-timeline-tests')
          .waitFor({ timeout: 15_000 });
        await shot(page, '01b-smoke-tests');
        await test.getByRole('button', { name: 'Log' }).click();
        const dialog = page.getByRole('dialog');
        await dialog
          .getByTestId('preview-log')
          .getByText(/smoke ok at http/)
          .waitFor({ timeout: 15_000 });
        await dialog.getByRole('button', { name: 'Close' }).click();
        await ordersRow
          .getByRole('button', { name: /^Hide details of / })
          .click();
      },
    ],
    [
      'create from the picker: the pull request offered by GitHub',
      async () => {
        await openPreviewsTab(page, 'ui-shop');
        await page.getByRole('button', { name: 'Create preview' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByText(/Dependencies: ui-orders point to/).waitFor();
        await dialog.getByRole('combobox', { name: /Branch/ }).fill('cart');
        const option = page.getByRole('option', {
          name: new RegExp(`#${PULL_NUMBER} ${PULL_TITLE}`),
        });
        await option.waitFor({ timeout: 15_000 });
        await shot(page, '01-create-from-picker');
        await option.click();
        await dialog
          .getByText(`Pull request #${PULL_NUMBER}: ${PULL_TITLE}`)
          .waitFor();
        await dialog
          .getByRole('button', { name: 'Create', exact: true })
          .click();
        await shopRow.waitFor({ timeout: 30_000 });
        await shopRow
          .getByRole('link', {
            name: new RegExp(`#${PULL_NUMBER} ${PULL_TITLE}`),
          })
          .waitFor();
      },
    ],
    [
      'watch provisioning and seeding become ready',
      async () => {
        // The first status shown is one on the way to ready (it may be quick).
        const first = await statusOf(shopRow);
        if (!['provisioning', 'ready'].includes(first))
          throw new Error(`unexpected first status ${first}`);
        if (first === 'provisioning') await shot(page, '02-provisioning');
        await waitForStatus(shopRow, 'ready');
        await shopRow
          .getByTestId('preview-seed')
          .getByText('ready', { exact: true })
          .waitFor({ timeout: 120_000 });
        await shopRow
          .getByTestId('preview-expiry')
          .getByText(/^expires in /)
          .waitFor();
        // Its timeline: every phase of a create with a seeded database, and the time to ready.
        const timeline = shopRow.getByTestId('preview-timeline');
        await timeline.getByText(/^ready in /).waitFor();
        const phases = await timeline
          .locator('[data-testid^="preview-timeline-"]')
          .evaluateAll(els => els.map(e => e.getAttribute('data-testid')));
        const expected = [
          'queued',
          'scheduled',
          'imagePulled',
          'seed',
          'migrate',
          'ready',
        ];
        if (phases.join() !== expected.map(p => `preview-timeline-${p}`).join())
          throw new Error(`unexpected timeline phases ${phases.join()}`);
        const label = (await timeline.getAttribute('aria-label')) ?? '';
        if (
          !/^Timeline of the create, ready in .+: Queued .+ s, Scheduled .+, Image pulled .+, Seed .+, Migrate .+, Ready .+ s$/.test(
            label,
          )
        )
          throw new Error(`unexpected timeline label ${label}`);
        await timeline.hover();
        await page
          .getByRole('tooltip')
          .getByText(/^Seed: /)
          .waitFor();
        await shot(page, '03-ready');
        await page.mouse.move(0, 0);
      },
    ],
    [
      'open the preview: its URL sends a stranger to the portal; Open loads the app with its branch and a seeded row',
      async () => {
        const link = shopRow.locator('a[href*=".previews.localhost"]').first();
        const url = await link.getAttribute('href');
        if (!url) throw new Error('the preview row has no URL link');
        // Protected URL: a browser without Open's token or cookie lands on the portal's Previews tab.
        const stranger = await browser.newContext();
        try {
          const tab = await stranger.newPage();
          await tab.goto(url);
          await tab.waitForURL(
            u =>
              u
                .toString()
                .startsWith(
                  `${BASE}/catalog/default/component/ui-shop/previews`,
                ),
            { timeout: 60_000 },
          );
        } finally {
          await stranger.close();
        }
        // Open (clicking the URL) hands this user a token; the preview's host trades it for a cookie.
        const [app] = await Promise.all([
          page.context().waitForEvent('page'),
          link.click(),
        ]);
        try {
          // The URL answers once the reverse proxy has the Ingress's endpoints.
          for (let i = 0; ; i++) {
            await app.waitForLoadState();
            if ((await app.locator('#branch').count()) > 0) break;
            if (i > 60)
              throw new Error(
                `${app.url()} shows no app: ${(await app.content()).slice(
                  0,
                  200,
                )}`,
              );
            await app.waitForTimeout(500);
            await app.reload();
          }
          const branch = await app.locator('#branch').textContent();
          if (branch !== SHOP_BRANCH)
            throw new Error(
              `the app shows branch ${branch}, not ${SHOP_BRANCH}`,
            );
          await app
            .locator('#row')
            .getByText('Ada Lovelace')
            .waitFor({ timeout: 10_000 });
          await shot(app, '03b-preview-app');
          shopUrl = url.replace(/\/$/, '');
        } finally {
          await app.close();
        }
        // The cookie opens it without Open from now on.
        await untilAnswer(
          page.context(),
          shopUrl,
          a => a.status === 200 && a.text.includes(SHOP_BRANCH),
          'the app with the cookie',
        );
      },
    ],
    [
      'a share link opens the preview in a fresh browser until it is revoked',
      async () => {
        await shopRow
          .getByRole('button', { name: /^Show details of / })
          .click();
        const details = page.getByTestId('preview-details');
        await details.getByLabel('For whom').fill('e2e reviewer');
        await details
          .getByRole('button', { name: 'Create share link' })
          .click();
        const secret = details.getByTestId('preview-access-secret');
        await secret.waitFor({ timeout: 15_000 });
        const shareUrl = (await secret.locator('code').textContent()) ?? '';
        if (!shareUrl.includes('previews_token='))
          throw new Error(`no share link URL shown: ${shareUrl}`);
        await details
          .getByTestId('preview-share-link')
          .getByText(/e2e reviewer · by /)
          .waitFor();
        await shot(page, '03c-share-link');
        const reviewer = await browser.newContext();
        try {
          const tab = await reviewer.newPage();
          await tab.goto(shareUrl);
          await tab.locator('#branch').waitFor({ timeout: 30_000 });
          await details
            .getByTestId('preview-share-link')
            .getByRole('button', { name: 'Revoke' })
            .click();
          await details
            .getByTestId('preview-share-link')
            .getByText(/revoked/)
            .waitFor({ timeout: 15_000 });
          // Revoked: the reviewer's cookie stops working at once.
          await tab.goto(shopUrl);
          await tab.waitForURL(u => u.toString().startsWith(BASE), {
            timeout: 30_000,
          });
        } finally {
          await reviewer.close();
        }
        await shopRow
          .getByRole('button', { name: /^Hide details of / })
          .click();
      },
    ],
    [
      "logs and events: the app container's log follows, the namespace's events list",
      async () => {
        await shopRow
          .getByRole('button', { name: /^Show details of / })
          .click();
        await page
          .getByTestId('preview-details')
          .getByRole('button', { name: 'Logs and events' })
          .click();
        const dialog = page.getByRole('dialog');
        await dialog
          .getByTestId('preview-container-state')
          .getByText(/following new lines/)
          .waitFor({ timeout: 15_000 });
        // The demo app says where it serves when it starts.
        await dialog
          .getByTestId('preview-log')
          .getByText(/demo serving on/)
          .waitFor({ timeout: 15_000 });
        await shot(page, '03d-logs');
        await dialog.getByRole('tab', { name: 'Events' }).click();
        await dialog
          .getByTestId('preview-cluster-events')
          .getByText(/Scheduled/)
          .first()
          .waitFor({ timeout: 15_000 });
        await dialog.getByRole('button', { name: 'Close' }).click();
        await shopRow
          .getByRole('button', { name: /^Hide details of / })
          .click();
      },
    ],
    [
      'extend by two hours',
      async () => {
        const before =
          (await shopRow.getByTestId('preview-expiry').textContent()) ?? '';
        await shopRow.getByRole('button', { name: 'Extend' }).click();
        const dialog = page.getByRole('dialog', { name: 'Extend preview' });
        await dialog
          .getByRole('spinbutton', { name: 'Hours to add' })
          .fill('2');
        await shot(page, '04-extend');
        await dialog.getByRole('button', { name: 'Extend' }).click();
        await dialog.waitFor({ state: 'detached' });
        const hours = (s: string) => {
          const m = /expires in (\d+) (h|d|min)/.exec(s);
          if (!m) return NaN;
          return (
            Number(m[1]) * (m[2] === 'd' ? 24 : m[2] === 'min' ? 1 / 60 : 1)
          );
        };
        await page.waitForFunction(
          ([sel, previous]) => {
            const text = document.querySelector(sel)?.textContent ?? '';
            return text !== previous && /expires in/.test(text);
          },
          [
            `[data-testid="preview-row-${SHOP_BRANCH}"] [data-testid="preview-expiry"]`,
            before,
          ] as const,
          { timeout: 30_000 },
        );
        const after =
          (await shopRow.getByTestId('preview-expiry').textContent()) ?? '';
        if (!(hours(after) >= hours(before) + 1))
          throw new Error(`expiry went from "${before}" to "${after}"`);
      },
    ],
    [
      'reroute the dependency from staging to the preview of ui-orders',
      async () => {
        await shopRow
          .getByRole('button', { name: /^Show details of / })
          .click();
        const details = page.getByTestId('preview-details');
        const line = details.getByTestId('dependency-ui-orders');
        await line
          .getByTestId('dependency-target')
          .getByText('ui-orders (staging)')
          .waitFor();
        await line
          .getByRole('combobox', { name: /^Target of ui-orders/ })
          .click();
        const option = page.getByRole('option', {
          name: new RegExp(`^preview .*\\(${ORDERS_BRANCH}`),
        });
        await option.waitFor({ timeout: 15_000 });
        await shot(page, '05-reroute-choices');
        await option.click();
        await line
          .getByTestId('dependency-target')
          .getByText(/^ui-orders \(preview /)
          .waitFor({ timeout: 30_000 });
        await waitForStatus(shopRow, 'ready');
        // The history records the reroute.
        await details
          .getByTestId('preview-events')
          .getByText(/ui-orders/)
          .first()
          .waitFor({ timeout: 30_000 });
        await shot(page, '06-rerouted');
        // The app itself now calls the ui-orders preview and shows its answer.
        await untilAnswer(
          page.context(),
          `${shopUrl}/json`,
          a => {
            if (a.status !== 200) return false;
            const answers = Object.values(
              (
                JSON.parse(a.text) as {
                  dependencies: Record<string, { body?: string }>;
                }
              ).dependencies,
            );
            return answers.some(d =>
              d.body?.includes(`"branch":"${ORDERS_BRANCH}"`),
            );
          },
          'the app to show the ui-orders preview answering',
        );
      },
    ],
    [
      'reseed the database after confirming',
      async () => {
        await shopRow.getByRole('button', { name: 'Reseed' }).click();
        const dialog = page.getByRole('dialog', { name: 'Reseed database?' });
        await dialog.getByText('seed-2026-11').waitFor();
        await dialog.getByRole('button', { name: 'Reseed' }).click();
        await dialog.waitFor({ state: 'detached' });
        // It goes through a seeding phase back to ready.
        await page
          .waitForFunction(
            sel =>
              !/^ready$/.test(
                document.querySelector(sel)?.textContent?.trim() ?? '',
              ),
            `[data-testid="preview-row-${SHOP_BRANCH}"] [data-testid="preview-seed"]`,
            { timeout: 30_000 },
          )
          .catch(() => undefined);
        await shopRow
          .getByTestId('preview-seed')
          .getByText('ready', { exact: true })
          .waitFor({ timeout: 120_000 });
        await shot(page, '07-reseeded');
      },
    ],
    [
      'the org-wide page lists both previews with totals',
      async () => {
        // Reached from the sidebar.
        await page
          .getByTestId('sidebar-root')
          .getByRole('link', { name: 'Previews' })
          .click();
        await page.waitForURL(`${BASE}/previews`);
        await page
          .getByTestId(`preview-row-${SHOP_BRANCH}`)
          .waitFor({ timeout: 30_000 });
        await page.getByTestId(`preview-row-${ORDERS_BRANCH}`).waitFor();
        await page.getByTestId('previews-total-live').waitFor();
        await shot(page, '08-org-page');
      },
    ],
    [
      'a change made in another tab reaches this one through signals (the tab polls once a minute)',
      async () => {
        // Ready first, seen by loading the tab again: a change made before a
        // tab has subscribed reaches it only by polling (once a minute here).
        const deadline = Date.now() + 120_000;
        for (;;) {
          await openPreviewsTab(page, 'ui-shop');
          await shopRow.waitFor();
          if ((await statusOf(shopRow)) === 'ready') break;
          if (Date.now() > deadline)
            throw new Error(
              `status stayed "${await statusOf(shopRow)}", expected "ready"`,
            );
          await page.waitForTimeout(2000);
        }
        const other = await page.context().newPage();
        try {
          await openPreviewsTab(other, 'ui-shop');
          const otherRow = other.getByTestId(`preview-row-${SHOP_BRANCH}`);
          for (const [action, status] of [
            ['Sleep', 'sleeping'],
            ['Wake', 'ready'],
          ] as const) {
            await otherRow
              .getByRole('button', { name: action, exact: true })
              .click();
            // The other tab sees the change first (its own request's answer, or a signal too).
            await waitForStatus(otherRow, status, 120_000);
            const seen = Date.now();
            // Within 2 s here rather than the 1 s: a loaded CI machine; the measured time is printed.
            await waitForStatus(shopRow, status, 2_000);
            console.log(
              `e2e: signals: ${action} seen in this tab ${
                Date.now() - seen
              } ms after the other tab`,
            );
          }
        } finally {
          await other.close();
        }
      },
    ],
    [
      'keep, sleep and wake',
      async () => {
        await openPreviewsTab(page, 'ui-shop');
        await shopRow.waitFor();
        await shopRow
          .getByRole('button', { name: 'Keep', exact: true })
          .click();
        await shopRow.getByTestId('preview-kept').waitFor({ timeout: 30_000 });
        await shopRow.getByRole('button', { name: 'Stop keeping' }).click();
        await shopRow
          .getByTestId('preview-kept')
          .waitFor({ state: 'detached', timeout: 30_000 });
        await shopRow.getByRole('button', { name: 'Sleep' }).click();
        await waitForStatus(shopRow, 'sleeping', 60_000);
        await shot(page, '09a-sleeping');
        // Asleep: a stranger's request wakes nothing (it lands on the portal).
        const stranger = await browser.newContext();
        try {
          const tab = await stranger.newPage();
          await tab.goto(shopUrl);
          await tab.waitForURL(u => u.toString().startsWith(BASE), {
            timeout: 30_000,
          });
        } finally {
          await stranger.close();
        }
        await page.waitForTimeout(3000);
        if ((await statusOf(shopRow)) !== 'sleeping')
          throw new Error('a request without access woke the preview');
        // This user's request (its cookie) wakes it: the wake page, then the app by itself.
        const app = await page.context().newPage();
        try {
          await app.goto(shopUrl);
          await app.getByText(/^Waking up /).waitFor({ timeout: 30_000 });
          await shot(app, '09b-waking');
          await app.locator('#branch').waitFor({ timeout: 180_000 });
        } finally {
          await app.close();
        }
        await waitForStatus(shopRow, 'ready');
      },
    ],
    [
      'the overview card counts the live previews',
      async () => {
        await page.goto(`${BASE}/catalog/default/component/ui-shop`);
        const count = page.getByTestId('previews-card-count');
        await count.waitFor({ timeout: 30_000 });
        await page.waitForFunction(
          () =>
            document.querySelector('[data-testid="previews-card-count"]')
              ?.textContent === '1',
          undefined,
          { timeout: 30_000 },
        );
        await page.getByTestId(`previews-card-item-${SHOP_BRANCH}`).waitFor();
        await shot(page, '09b-overview-card');
      },
    ],
    [
      'the Previews tab fits 1400 px without scrolling sideways; at 1024 px its actions stay in view',
      async () => {
        const table = page.getByTestId('previews-table');
        try {
          await page.setViewportSize({ width: 1400, height: 1000 });
          await openPreviewsTab(page, 'ui-shop');
          await shopRow.waitFor();
          const at1400 = await table.evaluate(el => ({
            scroll: el.scrollWidth,
            client: el.clientWidth,
          }));
          if (at1400.scroll > at1400.client)
            throw new Error(
              `at 1400 px the table needs ${at1400.scroll} px and has ${at1400.client} px`,
            );
          await shot(page, '09c-1400px');
          await page.setViewportSize({ width: 1024, height: 900 });
          // Destroy is the rightmost action and always enabled on a live preview.
          for (const name of ['Destroy']) {
            const button = shopRow.getByRole('button', { name });
            const box = await button.boundingBox();
            if (!box || box.x < 0 || box.x + box.width > 1024)
              throw new Error(
                `at 1024 px ${name} is outside the window: ${JSON.stringify(
                  box,
                )}`,
              );
            // Nothing covers it: the element at its centre is the button (or inside it).
            const onTop = await button.evaluate(
              (el, p) => el.contains(document.elementFromPoint(p.x, p.y)),
              {
                x: box.x + box.width / 2,
                y: box.y + box.height / 2,
              },
            );
            if (!onTop) throw new Error(`at 1024 px something covers ${name}`);
          }
          await shot(page, '09d-1024px');
        } finally {
          await page.setViewportSize({ width: 1600, height: 1000 });
        }
      },
    ],
    [
      'dark theme',
      async () => {
        await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
        await openPreviewsTab(page, 'ui-shop');
        await shopRow.waitFor();
        const mode = await page.evaluate(() =>
          document.body.getAttribute('data-theme-mode'),
        );
        if (mode !== 'dark') throw new Error(`theme mode is ${mode}`);
        await shopRow
          .getByRole('button', { name: /^Show details of / })
          .click();
        await page
          .getByTestId('preview-details')
          .getByTestId('preview-events')
          .waitFor();
        // Let the row finish expanding before the picture is taken.
        await page.waitForTimeout(800);
        await shot(page, '09-dark-theme');
        await page.evaluate(() => window.localStorage.removeItem('theme'));
      },
    ],
    [
      'destroy one by typing its name, the other by bulk destroy',
      async () => {
        await openPreviewsTab(page, 'ui-shop');
        await shopRow.waitFor();
        await shopRow.getByRole('button', { name: 'Destroy' }).click();
        await shot(page, '10-destroy-confirm');
        await page
          .getByRole('dialog')
          .getByRole('button', { name: 'Cancel' })
          .click();
        await destroyFromRow(page, shopRow);
        // The other one as an admin from the org-wide page (bulk destroy).
        await page.goto(`${BASE}/previews`);
        await ordersRow.waitFor({ timeout: 30_000 });
        await ordersRow.getByRole('checkbox', { name: /^Select / }).check();
        await page
          .getByRole('button', { name: 'Destroy selected (1)' })
          .click();
        const dialog = page.getByRole('dialog', { name: 'Destroy 1 preview?' });
        await shot(page, '11-bulk-destroy');
        await dialog.getByRole('button', { name: 'Destroy 1 preview' }).click();
        await dialog.waitFor({ state: 'detached' });
        await ordersRow.waitFor({ state: 'detached', timeout: 120_000 });
        await shot(page, '12-destroyed');

        // The cluster agrees: no namespace of this run's branches is left.
        const k8s = await import('@kubernetes/client-node');
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(kubeconfig);
        const left = (
          await kc.makeApiClient(k8s.CoreV1Api).listNamespace({
            labelSelector: 'app.kubernetes.io/managed-by=backstage-previews',
          })
        ).items.filter(ns =>
          [SHOP_BRANCH, ORDERS_BRANCH].includes(
            ns.metadata?.annotations?.['backstage-previews.io/branch'] ?? '',
          ),
        );
        if (left.length)
          throw new Error(`namespace ${left[0].metadata?.name} is still there`);
      },
    ],
  ];

  let passed = 0;
  let failed = 0;
  try {
    for (const [name, run] of steps) {
      if (failed) {
        console.log(`e2e: skipped: ${name}`);
        failed += 1;
        continue;
      }
      const started = Date.now();
      try {
        await run();
        passed += 1;
        console.log(
          `e2e: ok: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
      } catch (e) {
        failed += 1;
        await shot(page, 'failure').catch(() => {});
        console.error(
          `e2e: FAILED: ${name}: ${e instanceof Error ? e.stack : e}`,
        );
        console.error(`(screenshots and backend.log in ${SCREENSHOTS})`);
      }
    }
  } finally {
    console.log(`e2e: ${passed} passed, ${failed} failed`);
    if (failed) process.exitCode = 1;
    await browser.close();
    if (backend.pid) {
      try {
        process.kill(-backend.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await github.stop();
    if (failed) await removeLeftovers(kubeconfig);
  }
}

/** After a failed run: the namespaces of this run's branches go, so the shared cluster stays clean. */
async function removeLeftovers(kubeconfig: string) {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespaces = await core.listNamespace({
    labelSelector: 'app.kubernetes.io/managed-by=backstage-previews',
  });
  for (const ns of namespaces.items) {
    if (
      [SHOP_BRANCH, ORDERS_BRANCH].includes(
        ns.metadata?.annotations?.['backstage-previews.io/branch'] ?? '',
      )
    ) {
      await core
        .deleteNamespace({ name: ns.metadata!.name! })
        .catch(() => undefined);
      console.error(`e2e: removed leftover namespace ${ns.metadata!.name}`);
    }
  }
}

main();
