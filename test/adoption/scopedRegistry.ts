/**
 * A loopback npm registry for the packed plugin packages, so that the fresh
 * app installs them with the README's own `yarn add` commands, as an adopter
 * installs them from npm. It answers the two requests a package manager makes
 * for a package: its packument (`GET /<name>`) and a tarball.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

interface Packed {
  manifest: Record<string, any>;
  file: string;
  shasum: string;
  integrity: string;
}

/** `package/package.json` of a packed tarball (ustar: 512-byte header, then the data). */
export function manifestOfTarball(tgz: Buffer): Record<string, any> {
  const tar = zlib.gunzipSync(tgz);
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = tar.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(
      tar
        .toString('utf8', at + 124, at + 136)
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8,
    );
    if (name === 'package/package.json') {
      return JSON.parse(tar.toString('utf8', at + 512, at + 512 + size));
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error('the tarball has no package/package.json');
}

export class ScopedRegistry {
  private readonly packages = new Map<string, Packed>();
  private server?: http.Server;
  url = '';

  constructor(tarballs: string[]) {
    for (const file of tarballs) {
      const data = fs.readFileSync(file);
      const manifest = manifestOfTarball(data);
      this.packages.set(manifest.name, {
        manifest,
        file,
        shasum: crypto.createHash('sha1').update(data).digest('hex'),
        integrity: `sha512-${crypto
          .createHash('sha512')
          .update(data)
          .digest('base64')}`,
      });
    }
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.answer(req, res));
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${
      (this.server.address() as net.AddressInfo).port
    }`;
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.server?.close(resolve));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = decodeURIComponent(new URL(req.url ?? '/', this.url).pathname);
    const tarball = /^\/tarballs\/(.+\.tgz)$/.exec(url);
    if (tarball) {
      const packed = [...this.packages.values()].find(
        p => path.basename(p.file) === tarball[1],
      );
      if (!packed) return notFound(res);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(packed.file).pipe(res);
      return;
    }
    const packed = this.packages.get(url.slice(1));
    if (!packed) return notFound(res);
    const { version } = packed.manifest;
    const published = new Date(fs.statSync(packed.file).mtime).toISOString();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        name: packed.manifest.name,
        'dist-tags': { latest: version },
        time: { created: published, modified: published, [version]: published },
        versions: {
          [version]: {
            ...packed.manifest,
            dist: {
              tarball: `${this.url}/tarballs/${encodeURIComponent(
                path.basename(packed.file),
              )}`,
              shasum: packed.shasum,
              integrity: packed.integrity,
            },
          },
        },
      }),
    );
  }
}

function notFound(res: http.ServerResponse) {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not found"}');
}
