/*
 * A test cluster that cannot start says which component failed, shows the
 * last lines of that component's log, and leaves nothing running.
 *
 * The failure is real: the Ingress port is already taken (the case of a
 * second `npm start` while something else holds port 7080), so nginx cannot
 * bind and the addons process exits, after etcd, the apiserver, the
 * registries, containerd and the kubelet have started. Needs root, like
 * start.sh itself.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../cluster/testCluster';

const alive = (pid: number) => {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2];
    return state !== 'Z';
  } catch {
    return false;
  }
};

describe('test cluster start failures', () => {
  let stateDir: string;
  let blocker: net.Server;

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'previews-start-fail-'));
    blocker = net.createServer(socket =>
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nsomeone\r\n'),
    );
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    // should there be leftovers after all, they go (the assertions above say so)
    spawnSync('bash', [path.join(repoRoot, 'test/cluster/stop.sh'), stateDir], {
      stdio: 'ignore',
    });
    await new Promise(resolve => blocker.close(resolve));
    fs.rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  it('names the component that failed with the last lines of its log, and stops what had started', () => {
    const port = (blocker.address() as net.AddressInfo).port;
    const result = spawnSync(
      'bash',
      [path.join(repoRoot, 'test/cluster/start.sh'), stateDir],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          PREVIEWS_INGRESS_PORT: String(port),
          PREVIEWS_CLUSTER_NODE: '',
        },
        timeout: 300_000,
      },
    );

    expect(result.status).toBe(1);
    // the component, and what its own log said
    expect(result.stderr).toMatch(/ERROR: addons exited while waiting for/);
    expect(result.stderr).toContain(`last lines of ${stateDir}/addons.log`);
    expect(result.stderr).toMatch(
      /bind\(\) to 127\.0\.0\.1:\d+ failed \(98: Address already in use\)/,
    );

    // stop.sh stopped each component that had started (it logs them as it goes)
    const stopped = [
      ...result.stderr.matchAll(/stopping (\S+) \(pid (\d+)\)/g),
    ].map(m => ({ name: m[1], pid: Number(m[2]) }));
    expect(stopped.map(s => s.name)).toEqual(
      expect.arrayContaining([
        'kubelet',
        'containerd',
        'kube-apiserver',
        'etcd',
        'registry-open',
      ]),
    );
    // nothing of it is left running: no process, no node address, no bridge
    expect(stopped.filter(s => alive(s.pid))).toEqual([]);
    const leftovers = fs
      .readdirSync('/proc')
      .filter(pid => /^\d+$/.test(pid))
      .filter(pid => {
        try {
          return fs
            .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
            .includes(stateDir);
        } catch {
          return false;
        }
      });
    expect(leftovers).toEqual([]);
    const nodeIp = result.stdout.match(
      /starting kubelet \(preview-node at (10\.201\.0\.\d+)\)/,
    )![1];
    const slot = nodeIp.split('.')[3];
    const lo = spawnSync('ip', ['-4', 'addr', 'show', 'dev', 'lo'], {
      encoding: 'utf8',
    }).stdout;
    expect(lo).not.toContain(`inet ${nodeIp}/`);
    const links = spawnSync('ip', ['link', 'show'], {
      encoding: 'utf8',
    }).stdout;
    expect(links).not.toMatch(new RegExp(`\\bprv${slot}\\b`));
  }, 360_000);
});
