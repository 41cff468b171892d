/**
 * What the browser tests share: a free port for the portal, Debian's
 * Chromium with the flags this machine needs, the Previews tab after guest
 * sign-in, and reading a preview row's status.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * Opens a component's Previews tab, signing in as guest when asked, and waits
 * until Create preview is enabled (permissions are checked before). If the tab
 * does not come, the error says what the page shows and a screenshot
 * `00-no-previews-tab-<component>.png` is saved in `screenshots`.
 */
export async function openPreviewsTab(
  page: Page,
  base: string,
  component: string,
  screenshots: string,
) {
  await page.goto(`${base}/catalog/default/component/${component}/previews`);
  const guest = page.getByRole('button', { name: /enter/i });
  const createButton = page.getByRole('button', { name: 'Create preview' });
  try {
    await Promise.race([
      guest.waitFor({ timeout: 60_000 }).then(() => guest.click()),
      createButton.waitFor({ timeout: 60_000 }),
    ]);
    await createButton.waitFor({ timeout: 60_000 });
  } catch (e) {
    // What the page shows instead, for the log of a failed run.
    const text = await page
      .locator('body')
      .innerText()
      .catch(() => '(no body)');
    fs.mkdirSync(screenshots, { recursive: true });
    await page
      .screenshot({
        path: path.join(screenshots, `00-no-previews-tab-${component}.png`),
      })
      .catch(() => undefined);
    throw new Error(
      `${(e as Error).message}\nThe page at ${page.url()} shows: ${text
        .replace(/\s+/g, ' ')
        .slice(0, 800)}`,
    );
  }
  // Permissions are checked before the button is enabled.
  await page.waitForFunction(
    () => {
      const b = [...document.querySelectorAll('button')].find(
        e => e.textContent?.trim() === 'Create preview',
      );
      return b && !b.hasAttribute('disabled');
    },
    undefined,
    { timeout: 30_000 },
  );
}

export async function statusOf(row: Locator): Promise<string> {
  return ((await row.getByTestId('preview-status').textContent()) ?? '').trim();
}

/**
 * Waits until the row's status chip reads `status`. A `failed` on the way
 * fails the step at once: a new preview must never look failed while it is
 * being created.
 */
export async function waitForStatus(
  row: Locator,
  status: string,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await statusOf(row).catch(() => '');
    if (last === status) return;
    if (last === 'failed' && status !== 'failed') {
      const message = await row
        .getByTestId('preview-status-message')
        .textContent()
        .catch(() => '');
      throw new Error(
        `the preview showed failed on its way to ${status}: ${message}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`status stayed "${last}", expected "${status}"`);
}

/** Destroys a preview from its row, typing its name to confirm, and waits until the row is gone. */
export async function destroyFromRow(page: Page, row: Locator) {
  await row.getByRole('button', { name: 'Destroy' }).click();
  const dialog = page.getByRole('dialog');
  const input = dialog.getByLabel('Type the preview name to confirm');
  const name = await input.getAttribute('placeholder');
  if (!name) throw new Error('the destroy dialog does not name the preview');
  await input.fill(name);
  await dialog.getByRole('button', { name: 'Destroy preview' }).click();
  await row.waitFor({ state: 'detached', timeout: 120_000 });
}
