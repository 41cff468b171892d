import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { waitFor } from './stats';

/** A SQL dump of about `megabytes` MB: one table, rows loaded with COPY (what pg_dump writes). */
export function writeSqlDump(file: string, megabytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(
    fd,
    'CREATE TABLE bench_rows (id integer PRIMARY KEY, payload text NOT NULL);\nCOPY bench_rows (id, payload) FROM stdin;\n',
  );
  const payload = 'x'.repeat(1000);
  const rows = Math.ceil((megabytes * 1024 * 1024) / (payload.length + 10));
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += `${i}\t${payload}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, `${chunk}\\.\n`);
  fs.closeSync(fd);
}

/**
 * Serves files to the cluster's pods from this process, on the node's own
 * address (10.201.0.<slot>, on lo): pods reach the node, and nothing leaves
 * this machine.
 */
export async function serveToPods(
  kubeconfig: string,
  dir: string,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const slot = fs
    .readFileSync(path.join(path.dirname(kubeconfig), 'slot'), 'utf8')
    .trim();
  const address = `10.201.0.${slot}`;
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(req.url ?? ''));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>(resolve => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${address}:${port}`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/**
 * The floor of P8: `psql -f` of the same dump into a new database of the same
 * PostgreSQL server (the preview's own, reached by its ClusterIP), in ms.
 */
export async function psqlFloor(options: {
  k8s: typeof import('@kubernetes/client-node');
  kc: KubeConfig;
  namespace: string;
  dump: string;
}): Promise<number> {
  const core = options.kc.makeApiClient(options.k8s.CoreV1Api);
  const secret = await core.readNamespacedSecret({
    name: 'postgres',
    namespace: options.namespace,
  });
  const data = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
  const ip = (
    await core.readNamespacedService({
      name: 'postgres',
      namespace: options.namespace,
    })
  ).spec!.clusterIP!;
  const env = {
    ...process.env,
    PGHOST: ip,
    PGPORT: '5432',
    PGUSER: data.user,
    PGPASSWORD: data.password,
    PGCONNECT_TIMEOUT: '5',
  };
  const db = 'floor';
  await waitFor(
    'the preview server to accept psql',
    async () => {
      try {
        execFileSync('psql', ['-d', data.database, '-qAtc', 'SELECT 1'], {
          env,
          stdio: 'pipe',
        });
        return true;
      } catch {
        return false;
      }
    },
    120_000,
    500,
  );
  execFileSync(
    'psql',
    [
      '-d',
      data.database,
      '-qc',
      `DROP DATABASE IF EXISTS ${db}`,
      '-c',
      `CREATE DATABASE ${db}`,
    ],
    { env, stdio: 'pipe' },
  );
  const t = performance.now();
  execFileSync(
    'psql',
    ['-d', db, '-q', '-v', 'ON_ERROR_STOP=1', '-f', options.dump],
    { env, stdio: 'pipe', maxBuffer: 1 << 26 },
  );
  return performance.now() - t;
}

export const tmpDir = () =>
  fs.mkdtempSync(path.join(os.tmpdir(), 'previews-bench-'));
