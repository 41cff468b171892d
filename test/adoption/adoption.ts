/**
 * Adoption test: what a platform team does to add Backstage Previews to its
 * own Backstage, done for real on this machine.
 *
 * It packs the four packages as they would be published, creates a fresh app
 * with the `@backstage/create-app` release of backstage.json's version (from
 * npm), installs the tarballs with the README's own commands (each package
 * name pointed at its tarball, as `localTarballs.ts` says), follows the
 * README's "Add the plugins to an existing Backstage app" steps (new
 * frontend system), type-checks and builds the app, starts its
 * backend with SQLite, and in Chromium creates a preview on a component set
 * up as the README says, against the real test cluster, sees it listed and
 * ready, and destroys it.
 *
 * A README step that is wrong or missing fails it. `ADOPTION_README=<file>`
 * runs it with another README (to check exactly that). Prints
 * "adoption: N passed, N failed".
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { repoRoot, testKubeconfigPath } from '../cluster/testCluster';
import { DEMO_IMAGE, ingressPort } from '../cluster/testImages';
import {
  destroyFromRow,
  freePort,
  launchChromium,
  openPreviewsTab,
  waitForStatus,
} from '../e2e/portalBrowser';
import { addAppFeatures, addBackendLines } from './editApp';
import { installSteps, ReadmeStep } from './readmeSteps';
import { Tarballs, tarballResolutions, withTarballs } from './localTarballs';
import { findCreateAppRelease } from './createAppRelease';

const PACKAGES = [
  'previews-common',
  'previews-node',
  'previews-backend',
  'previews',
];
const COMPONENT = 'adopted-shop';
const BRANCH = `adopt-${Date.now().toString(36)}`;
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'previews-adoption-'));
const APP = path.join(WORK, 'app');
const SCREENSHOTS = path.join(repoRoot, 'test', 'adoption', 'screenshots');
const README = process.env.ADOPTION_README || path.join(repoRoot, 'README.md');

/**
 * Runs a command, its output in the step's log; throws with the log's tail on
 * failure.
 */
async function run(
  command: string,
  args: string[],
  cwd: string,
  log: string,
  env: Record<string, string> = {},
) {
  const out = fs.openSync(log, 'a');
  fs.writeSync(out, `\n$ ${command} ${args.join(' ')}   (in ${cwd})\n`);
  try {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...env },
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) {
      const tail = fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .slice(-30)
        .join('\n');
      throw new Error(
        `${command} ${args.join(
          ' ',
        )} failed in ${cwd} (exit ${code}):\n${tail}`,
      );
    }
  } finally {
    fs.closeSync(out);
  }
}

const logOf = (name: string) => path.join(SCREENSHOTS, `${name}.log`);

/** Builds and packs the four packages (prepack turns publishConfig into the manifest). */
async function packPackages(): Promise<Tarballs> {
  const out = path.join(WORK, 'tarballs');
  fs.mkdirSync(out);
  const tarballs = new Map<string, string>();
  for (const dir of PACKAGES) {
    const cwd = path.join(repoRoot, 'plugins', dir);
    const { name } = JSON.parse(
      fs.readFileSync(path.join(cwd, 'package.json'), 'utf8'),
    );
    const file = path.join(out, `${dir}.tgz`);
    await run('yarn', ['build'], cwd, logOf('pack'));
    await run('yarn', ['pack', '--out', file], cwd, logOf('pack'));
    tarballs.set(name, file);
  }
  return tarballs;
}

/** The create-app release whose app is backstage.json's Backstage version. */
function createAppVersionFor(backstageVersion: string): string {
  const versions: string[] = JSON.parse(
    execFileSync(
      'npm',
      ['view', '@backstage/create-app', 'versions', '--json'],
      { encoding: 'utf8' },
    ),
  );
  const probe = fs.mkdtempSync(path.join(WORK, 'create-app-'));
  const found = findCreateAppRelease(
    versions,
    version => {
      const tgz = execFileSync(
        'npm',
        ['pack', `@backstage/create-app@${version}`, '--silent'],
        { cwd: probe, encoding: 'utf8' },
      ).trim();
      // the release a create-app version scaffolds is its dist/package.json.cjs.js's version
      const root = execFileSync(
        'tar',
        ['xzf', tgz, '-O', 'package/dist/package.json.cjs.js'],
        { cwd: probe, encoding: 'utf8' },
      );
      const scaffolded = /version = "(\d+\.\d+\.\d+)"/.exec(root)?.[1];
      if (!scaffolded)
        throw new Error(
          `@backstage/create-app@${version} names no Backstage release in dist/package.json.cjs.js`,
        );
      return scaffolded;
    },
    backstageVersion,
  );
  if (!found)
    throw new Error(
      `no @backstage/create-app release scaffolds Backstage ${backstageVersion}`,
    );
  return found;
}

/**
 * The fresh app installs everything but the plugins as it was shortly after
 * its create-app release: an age gate in days (yarn's npmMinimalAgeGate)
 * keeps later releases of the template's dependencies out, which would
 * otherwise mix two Backstage releases in one app.
 */
function pinToRelease(createAppPublished: Date) {
  const file = path.join(APP, '.yarnrc.yml');
  const rc = parseYaml(fs.readFileSync(file, 'utf8')) ?? {};
  // two weeks after it: its release's packages, some published days after
  // create-app, are in; the next release, a month later, is not
  const days =
    Math.floor((Date.now() - createAppPublished.getTime()) / 86_400_000) - 14;
  rc.npmMinimalAgeGate = `${Math.max(days, 3)}d`;
  // the template exempts Backstage's own packages from the gate; they are
  // the ones that must stay at the release
  rc.npmPreapprovedPackages = (rc.npmPreapprovedPackages ?? []).filter(
    (p: string) => p !== '@backstage/*',
  );
  fs.writeFileSync(file, stringifyYaml(rc));
}

/** When a release of create-app was published, from the registry. */
function publishedAt(createAppVersion: string): Date {
  const times = JSON.parse(
    execFileSync('npm', ['view', '@backstage/create-app', 'time', '--json'], {
      encoding: 'utf8',
    }),
  );
  return new Date(times[createAppVersion]);
}

/**
 * create-app seeds the app's yarn.lock from Backstage's repository on GitHub,
 * which this machine cannot reach; without a seed, newer in-range releases
 * break a fresh app (signals-backend 0.3.21 needs a newer backend-defaults
 * than 0.18's range gives). This repository's yarn.lock, the Backstage
 * 1.55 versions it is tested with, is the seed instead. The app's
 * resolutions also send the plugins' dependencies on each other to their
 * tarballs.
 */
function seedLockfile(tarballs: Tarballs) {
  fs.copyFileSync(
    path.join(repoRoot, 'yarn.lock'),
    path.join(APP, 'yarn.lock'),
  );
  // @backstage/cli's yarn module depends on @yarnpkg/core, whose manifest
  // patches got with a file it does not ship (this repository's root
  // package.json has the same resolution)
  const file = path.join(APP, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  pkg.resolutions = {
    ...pkg.resolutions,
    '@yarnpkg/core/got': '^11.8.6',
    ...tarballResolutions(tarballs),
  };
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** The README's config with this machine's values where it shows placeholders. */
function configFromReadme(
  config: Record<string, any>,
  port: number,
): Record<string, any> {
  const previews = structuredClone(config.previews);
  if ('baseDomain' in previews) previews.baseDomain = 'previews.localhost';
  if (previews.kubernetes && 'kubeconfig' in previews.kubernetes) {
    previews.kubernetes.kubeconfig = testKubeconfigPath();
  }
  const base = `http://localhost:${port}`;
  return {
    ...config,
    // this machine: the test cluster's proxy serves preview URLs over http
    previews: { ...previews, urlScheme: 'http', urlPort: ingressPort() },
    app: { baseUrl: base },
    backend: { baseUrl: base, listen: { port }, cors: { origin: base } },
    catalog: {
      locations: [
        { type: 'file', target: path.join(APP, 'adoption-catalog.yaml') },
      ],
    },
  };
}

function componentWith(annotations: Record<string, string>) {
  const values = { ...annotations };
  // the README's example image does not exist here; the test registry's demo does
  if ('backstage-previews.io/image' in values)
    values['backstage-previews.io/image'] = DEMO_IMAGE;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: COMPONENT, annotations: values },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
  };
}

/** Applies one README step to the fresh app. */
async function apply(step: ReadmeStep, port: number, tarballs: Tarballs) {
  const log = logOf('readme-steps');
  switch (step.kind) {
    case 'shell':
      for (const command of step.commands)
        await run('bash', ['-c', withTarballs(command, tarballs)], APP, log);
      return;
    case 'backend': {
      const file = path.join(APP, 'packages/backend/src/index.ts');
      fs.writeFileSync(
        file,
        addBackendLines(fs.readFileSync(file, 'utf8'), step.lines),
      );
      return;
    }
    case 'app': {
      const file = path.join(APP, 'packages/app/src/App.tsx');
      fs.writeFileSync(
        file,
        addAppFeatures(
          fs.readFileSync(file, 'utf8'),
          step.imports,
          step.features,
        ),
      );
      return;
    }
    case 'annotations':
      fs.writeFileSync(
        path.join(APP, 'adoption-catalog.yaml'),
        stringifyYaml(componentWith(step.annotations)),
      );
      return;
    case 'config':
      fs.writeFileSync(
        path.join(APP, 'app-config.adoption.yaml'),
        stringifyYaml(configFromReadme(step.config, port)),
      );
      return;
    default:
      throw new Error(`unknown step ${JSON.stringify(step)}`);
  }
}

function startBackend(): ChildProcess {
  const log = fs.openSync(logOf('backend'), 'w');
  const configs = ['app-config.yaml', 'app-config.adoption.yaml']
    .filter(f => fs.existsSync(path.join(APP, f)))
    .flatMap(f => ['--config', `../../${f}`]);
  return spawn('yarn', ['start', ...configs], {
    cwd: path.join(APP, 'packages', 'backend'),
    env: { ...process.env, NODE_ENV: 'development' },
    stdio: ['ignore', log, log],
    detached: true,
  });
}

async function waitForHealthy(
  backend: ChildProcess,
  base: string,
  timeoutMs = 300_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null)
      throw new Error(
        `the backend exited with ${backend.exitCode}; see ${logOf('backend')}`,
      );
    try {
      // the catalog has read the component: its entity page can open
      const session = await fetch(`${base}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      if (session.ok) {
        const token: string = (await session.json()).backstageIdentity.token;
        const res = await fetch(
          `${base}/api/catalog/entities/by-name/component/default/${COMPONENT}`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        if (res.ok) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(
    `the fresh app's backend did not serve ${COMPONENT} in time; see ${logOf(
      'backend',
    )}`,
  );
}

async function main() {
  // An adopter adds packages, which rewrites the app's yarn.lock; yarn would
  // refuse that under CI=true (immutable installs by default in CI).
  process.env.YARN_ENABLE_IMMUTABLE_INSTALLS = 'false';
  fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const port = await freePort();
  const base = `http://localhost:${port}`;
  let tarballs: Tarballs = new Map();
  let backend: ChildProcess | undefined;
  const browser = await launchChromium();
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  const row = page.getByTestId(`preview-row-${BRANCH}`);
  let steps: ReadmeStep[] = [];

  const tests: Array<[string, () => Promise<void>]> = [
    [
      'the four packages pack with their built files',
      async () => {
        tarballs = await packPackages();
      },
    ],
    [
      "create-app of backstage.json's release makes a fresh app that installs",
      async () => {
        const { version } = JSON.parse(
          fs.readFileSync(path.join(repoRoot, 'backstage.json'), 'utf8'),
        );
        const createApp = createAppVersionFor(version);
        console.log(
          `adoption: @backstage/create-app@${createApp} for Backstage ${version}, in ${APP}`,
        );
        await run(
          'npx',
          [
            '--yes',
            `@backstage/create-app@${createApp}`,
            '--path',
            'app',
            '--skip-install',
          ],
          WORK,
          logOf('create-app'),
          {
            // the name create-app would ask for
            BACKSTAGE_APP_NAME: 'adopter',
          },
        );
        pinToRelease(publishedAt(createApp));
        seedLockfile(tarballs);
        await run('yarn', ['install'], APP, logOf('create-app'));
      },
    ],
    [
      "the README's install steps apply to it",
      async () => {
        steps = installSteps(fs.readFileSync(README, 'utf8'));
        for (const step of steps) await apply(step, port, tarballs);
      },
    ],
    [
      'the app type-checks and builds with the plugins in it',
      async () => {
        await run('yarn', ['tsc'], APP, logOf('build'));
        await run('yarn', ['workspace', 'app', 'build'], APP, logOf('build'));
      },
    ],
    [
      'its backend starts with SQLite and the catalog serves the component',
      async () => {
        backend = startBackend();
        await waitForHealthy(backend, base);
      },
    ],
    [
      'the component shows the Previews tab, and a preview created there is listed and turns ready on the test cluster',
      async () => {
        await openPreviewsTab(page, base, COMPONENT, SCREENSHOTS);
        await page.getByRole('button', { name: 'Create preview' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('combobox', { name: /Branch/ }).fill(BRANCH);
        await dialog
          .getByRole('button', { name: 'Create', exact: true })
          .click();
        await row.waitFor({ timeout: 30_000 });
        await waitForStatus(row, 'ready', 180_000);
        await page.screenshot({
          path: path.join(SCREENSHOTS, 'previews-tab.png'),
        });
      },
    ],
    [
      'it is destroyed from its row',
      async () => {
        await destroyFromRow(page, row);
      },
    ],
  ];

  let passed = 0;
  let failed = 0;
  try {
    for (const [name, test] of tests) {
      if (failed) {
        console.log(`adoption: skipped: ${name}`);
        failed += 1;
        continue;
      }
      const started = Date.now();
      try {
        await test();
        passed += 1;
        console.log(
          `adoption: ok: ${name} (${((Date.now() - started) / 1000).toFixed(
            1,
          )} s)`,
        );
      } catch (e) {
        failed += 1;
        await page
          .screenshot({ path: path.join(SCREENSHOTS, 'failure.png') })
          .catch(() => undefined);
        console.error(
          `adoption: FAILED: ${name}: ${e instanceof Error ? e.stack : e}`,
        );
        console.error(
          `(logs and screenshots in ${SCREENSHOTS}, the app in ${APP})`,
        );
      }
    }
  } finally {
    console.log(`adoption: ${passed} passed, ${failed} failed`);
    if (failed) process.exitCode = 1;
    await browser.close();
    if (backend?.pid) {
      try {
        process.kill(-backend.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    // the fresh app is large; it stays only for a failed run's inspection
    if (!failed) fs.rmSync(WORK, { recursive: true, force: true });
  }
}

main();
