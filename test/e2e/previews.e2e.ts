/**
 * Browser test: the portal (built app served by the real backend, real test
 * cluster behind it) in Debian's Chromium driven by playwright-core.
 * Creates a preview on the example component, waits for it to be ready,
 * destroys it and waits until it is gone. Run by the README's test command
 * after the app is built; prints "e2e: N passed, N failed".
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, Page } from 'playwright-core';
import { repoRoot, testKubeconfigPath } from '../cluster/testCluster';

const PORT = 7017;
const BASE = `http://localhost:${PORT}`;
const SCREENSHOTS = path.join(repoRoot, 'test', 'e2e', 'screenshots');
const BRANCH = `e2e/checkout-${Date.now().toString(36)}`;

async function waitForBackend(backend: ChildProcess, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null) throw new Error(`the backend exited with ${backend.exitCode}`);
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

function startBackend(kubeconfig: string): ChildProcess {
  const log = fs.openSync(path.join(SCREENSHOTS, 'backend.log'), 'w');
  return spawn(
    'yarn',
    ['start', '--config', '../../app-config.yaml', '--config', '../../test/e2e/app-config.e2e.yaml'],
    {
      cwd: path.join(repoRoot, 'packages', 'backend'),
      env: { ...process.env, PREVIEWS_TEST_KUBECONFIG: kubeconfig, PREVIEWS_KUBECONFIG: kubeconfig },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
}

async function signIn(page: Page) {
  await page.goto(`${BASE}/catalog/default/component/storefront/previews`);
  const guest = page.getByRole('button', { name: /enter/i });
  const previewsTab = page.getByRole('button', { name: 'Create preview' });
  await Promise.race([
    guest.waitFor({ timeout: 60_000 }).then(() => guest.click()),
    previewsTab.waitFor({ timeout: 60_000 }),
  ]);
}

async function main() {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const kubeconfig = testKubeconfigPath();
  const backend = startBackend(kubeconfig);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await waitForBackend(backend);
    await signIn(page);

    await page.getByRole('button', { name: 'Create preview' }).click();
    await page.getByLabel('Branch').fill(BRANCH);
    await page.getByRole('button', { name: 'Create', exact: true }).click();

    const row = page.getByTestId(`preview-row-${BRANCH}`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByText('ready', { exact: true }).waitFor({ timeout: 90_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-ready.png') });

    await row.getByRole('button', { name: 'Destroy' }).click();
    await page.getByRole('button', { name: 'Destroy preview' }).click();
    await row.waitFor({ state: 'detached', timeout: 90_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-destroyed.png') });

    // The cluster agrees: no namespace of this branch is left.
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const left = (
      await kc.makeApiClient(k8s.CoreV1Api).listNamespace({
        labelSelector: 'app.kubernetes.io/managed-by=backstage-previews',
      })
    ).items.filter(ns => ns.metadata?.annotations?.['backstage-previews.io/branch'] === BRANCH);
    if (left.length) throw new Error(`namespace ${left[0].metadata?.name} is still there`);
    console.log('e2e: 1 passed, 0 failed');
  } catch (e) {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'failure.png') }).catch(() => {});
    console.error(`e2e failed: ${e instanceof Error ? e.stack : e}`);
    console.error(`(screenshots and backend.log in ${SCREENSHOTS})`);
    console.log('e2e: 0 passed, 1 failed');
    process.exitCode = 1;
  } finally {
    await browser.close();
    if (backend.pid) {
      try {
        process.kill(-backend.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

main();
