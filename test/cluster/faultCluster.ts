import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './testCluster';

/**
 * A test cluster of its own for fault injection (its kube-apiserver gets
 * stopped and restarted): `PREVIEWS_FAULT_CLUSTER_DIR`, else
 * `<repo>/test/.cluster-fault`. start() reuses a healthy one.
 */
export class FaultCluster {
  readonly dir =
    process.env.PREVIEWS_FAULT_CLUSTER_DIR ||
    path.join(repoRoot, 'test', '.cluster-fault');
  readonly kubeconfig = path.join(this.dir, 'kubeconfig');

  start() {
    execFileSync(
      'bash',
      [path.join(repoRoot, 'test/cluster/start.sh'), this.dir],
      { stdio: 'ignore', timeout: 180_000 },
    );
  }

  stop() {
    execFileSync(
      'bash',
      [path.join(repoRoot, 'test/cluster/stop.sh'), this.dir],
      { stdio: 'ignore', timeout: 60_000 },
    );
  }

  private pidFile() {
    return path.join(this.dir, 'kube-apiserver.pid');
  }

  /** Kills this cluster's kube-apiserver; returns how to start it again with the same arguments. */
  killApiserver(): () => void {
    const pid = Number(fs.readFileSync(this.pidFile(), 'utf8').trim());
    const argv = fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter(Boolean);
    if (!path.basename(argv[0]).startsWith('kube-apiserver')) {
      throw new Error(
        `pid ${pid} of ${this.pidFile()} is not a kube-apiserver: ${argv[0]}`,
      );
    }
    process.kill(pid, 'SIGKILL');
    return () => {
      const log = fs.openSync(path.join(this.dir, 'kube-apiserver.log'), 'a');
      const child = spawn(argv[0], argv.slice(1), {
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.unref();
      fs.writeFileSync(this.pidFile(), `${child.pid}\n`);
    };
  }
}
