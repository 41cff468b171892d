import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  manifestOfTarball,
  ScopedRegistry,
} from '../../adoption/scopedRegistry';

/** A tarball as npm and yarn pack it: package/ at its root, built by tar itself. */
function pack(dir: string, manifest: object): string {
  const root = path.join(dir, 'src');
  fs.mkdirSync(path.join(root, 'package', 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'package', 'dist', 'index.js'),
    'module.exports = 1;\n'.repeat(100),
  );
  fs.writeFileSync(
    path.join(root, 'package', 'package.json'),
    JSON.stringify(manifest),
  );
  const file = path.join(dir, 'scope-pkg-1.2.3.tgz');
  execFileSync('tar', [
    'czf',
    file,
    '-C',
    root,
    'package/dist/index.js',
    'package/package.json',
  ]);
  return file;
}

describe('ScopedRegistry', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoped-registry-'));
  const manifest = {
    name: '@scope/pkg',
    version: '1.2.3',
    dependencies: { '@scope/other': '^1.0.0' },
  };
  const file = pack(dir, manifest);
  const registry = new ScopedRegistry([file]);

  beforeAll(() => registry.start());
  afterAll(async () => {
    await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the manifest after other entries of the tarball', () => {
    expect(manifestOfTarball(fs.readFileSync(file))).toEqual(manifest);
  });

  it('answers the packument by encoded and plain name, and the tarball with matching integrity', async () => {
    for (const name of ['@scope%2fpkg', '@scope/pkg']) {
      const res = await fetch(`${registry.url}/${name}`);
      expect(res.status).toBe(200);
      const doc = await res.json();
      expect(doc['dist-tags']).toEqual({ latest: '1.2.3' });
      expect(doc.versions['1.2.3'].dependencies).toEqual(manifest.dependencies);
      const tarball = Buffer.from(
        await (await fetch(doc.versions['1.2.3'].dist.tarball)).arrayBuffer(),
      );
      expect(tarball.equals(fs.readFileSync(file))).toBe(true);
      expect(doc.versions['1.2.3'].dist.integrity).toBe(
        `sha512-${crypto
          .createHash('sha512')
          .update(tarball)
          .digest('base64')}`,
      );
    }
  });

  it('answers 404 for a package it does not hold', async () => {
    expect((await fetch(`${registry.url}/@scope%2fmissing`)).status).toBe(404);
    expect((await fetch(`${registry.url}/tarballs/missing.tgz`)).status).toBe(
      404,
    );
  });
});
