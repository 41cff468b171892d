/*
 * `npm start` and Ctrl-C: the README's portal command starts the local
 * cluster (with its node) and the portal, and a Ctrl-C in its terminal stops
 * all of it. A terminal's Ctrl-C is SIGINT to the foreground process group,
 * which is what this test sends. Afterwards no process of the portal or the
 * cluster is left (those named by its PID files, every container shim of its
 * node), and the portal's ports are free. Needs root, like start.sh itself.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from '../cluster/testCluster';

jest.setTimeout(900_000);

const CLUSTER_DIR = path.join(repoRoot, '.tools/portal-cluster');
const PORTS = { frontend: 3000, backend: 7007, ingress: 7080 };

const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
};

/** Every process as pid, process group and command line. */
function processes(): Array<{ pid: number; pgid: number; cmd: string }> {
  const list = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name may hold spaces and parentheses: fields follow the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const cmd = fs
        .readFileSync(`/proc/${entry}/cmdline`, 'utf8')
        .replace(/\0/g, ' ')
        .trim();
      list.push({ pid: Number(entry), pgid: Number(fields[2]), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return list;
}

const listening = (port: number) =>
  new Promise<boolean>(resolve => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

async function waitUntil(
  what: string,
  fn: () => Promise<boolean> | boolean,
  timeoutMs: number,
  log: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for ${what}; npm start printed:\n${log().slice(
          -3000,
        )}`,
      );
    await new Promise(r => setTimeout(r, 1000));
  }
}

describe('npm start, then Ctrl-C', () => {
  let start: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    // should anything be left after all, it goes (the assertions say so)
    // the whole group: its yarn or backstage-cli may outlive the bash that started them
    if (start?.pid) {
      try {
        process.kill(-start.pid, 'SIGKILL');
      } catch {
        // no process of the group is left
      }
    }
    // waited for: a cluster left behind would load every test after this one
    spawnSync(
      'bash',
      [path.join(repoRoot, 'test/cluster/stop.sh'), CLUSTER_DIR],
      { stdio: 'ignore', timeout: 120_000 },
    );
  });

  it('starts the portal and its cluster, and a Ctrl-C leaves nothing running', async () => {
    for (const port of Object.values(PORTS))
      expect({ port, inUse: await listening(port) }).toEqual({
        port,
        inUse: false,
      });

    // `npm start` is `bash .ci/start.sh`; detached: its own process group, as in a terminal.
    // A terminal's environment, not the test run's: with jest's NODE_ENV=test the
    // app's browserslist has no section and rspack refuses to build, and the
    // test clusters' PREVIEWS_INGRESS_PORT would give the portal's proxy a
    // port already taken (both seen in CI). The build cache stays.
    const fromTestRun = (key: string) =>
      key === 'NODE_ENV' ||
      key === 'NODE_OPTIONS' ||
      key.startsWith('JEST_') ||
      (key.startsWith('PREVIEWS_') && key !== 'PREVIEWS_CACHE');
    const terminalEnv = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !fromTestRun(key)),
    );
    start = spawn('bash', [path.join(repoRoot, '.ci/start.sh')], {
      cwd: repoRoot,
      env: terminalEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout!.on('data', d => (output += d));
    start.stderr!.on('data', d => (output += d));
    const exited = new Promise<number | null>(resolve =>
      start!.on('exit', code => resolve(code)),
    );

    await waitUntil(
      'the backend to answer',
      async () => {
        try {
          const res = await fetch(
            `http://127.0.0.1:${PORTS.backend}/api/previews/health`,
          );
          return res.ok && (await res.json()).status === 'ok';
        } catch {
          return false;
        }
      },
      600_000,
      () => output,
    );
    await waitUntil(
      'the frontend to answer',
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${PORTS.frontend}/`)).ok;
        } catch {
          return false;
        }
      },
      600_000,
      () => output,
    );

    // What runs now: the portal's process group, the cluster's components (PID files) and the node's container shims.
    const slot = fs.readFileSync(path.join(CLUSTER_DIR, 'slot'), 'utf8').trim();
    const nodeSocket = `/run/backstage-previews/${slot}/`;
    const componentPids = fs
      .readdirSync(CLUSTER_DIR)
      .filter(f => f.endsWith('.pid'))
      .map(f =>
        Number(fs.readFileSync(path.join(CLUSTER_DIR, f), 'utf8').trim()),
      )
      .filter(pid => pid > 0);
    const before = processes();
    const portal = before.filter(p => p.pgid === start!.pid);
    const shims = before.filter(
      p => p.cmd.includes('containerd-shim') && p.cmd.includes(nodeSocket),
    );
    expect(componentPids.length).toBeGreaterThanOrEqual(8); // etcd, apiserver, controller manager, scheduler, containerd, kubelet, kube-proxy, …
    expect(componentPids.filter(alive).length).toBe(componentPids.length);
    expect(portal.length).toBeGreaterThan(2); // bash, yarn, the backstage-cli processes
    expect(shims.length).toBeGreaterThan(0); // the cluster's own pods (DNS records, files) run on the node

    process.kill(-start.pid!, 'SIGINT');
    const code = await Promise.race([
      exited,
      new Promise(r => setTimeout(() => r('still running'), 180_000)),
    ]);
    expect(code).not.toBe('still running');
    expect(output).toContain('Stopping the local test cluster');

    // Give processes that were signalled a moment to go, then nothing of it may be left.
    await waitUntil(
      'every process to stop',
      () =>
        [
          ...componentPids,
          ...portal.map(p => p.pid),
          ...shims.map(p => p.pid),
        ].every(pid => !alive(pid)),
      30_000,
      () => output,
    ).catch(() => undefined);
    const left = processes().filter(
      p =>
        componentPids.includes(p.pid) ||
        portal.some(x => x.pid === p.pid) ||
        shims.some(x => x.pid === p.pid) ||
        p.cmd.includes(nodeSocket) ||
        p.cmd.includes(CLUSTER_DIR),
    );
    expect(left.map(p => `${p.pid} ${p.cmd.slice(0, 120)}`)).toEqual([]);
    for (const port of Object.values(PORTS))
      expect({ port, inUse: await listening(port) }).toEqual({
        port,
        inUse: false,
      });
  });
});
