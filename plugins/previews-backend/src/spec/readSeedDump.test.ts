import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  UrlReaderService,
  UrlReaderServiceReadUrlResponse,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { MAX_SEED_DUMP_BYTES, gitBlobSha, readSeedDump } from './readSeedDump';

/** Serves files from memory by URL; anything else is a NotFoundError. */
class InMemoryUrlReader implements UrlReaderService {
  readonly requested: string[] = [];
  constructor(private readonly files: Record<string, Buffer | Error>) {}
  async readUrl(url: string): Promise<UrlReaderServiceReadUrlResponse> {
    this.requested.push(url);
    const file = this.files[url];
    if (file === undefined) throw new NotFoundError(`${url} not found`);
    if (file instanceof Error) throw file;
    return { buffer: async () => file };
  }
  async readTree(): Promise<never> {
    throw new Error('not supported');
  }
  async search(): Promise<never> {
    throw new Error('not supported');
  }
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const entity = (location?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    annotations: location ? { 'backstage.io/source-location': location } : {},
  },
});
const spec = (dump?: string): PreviewSpec => ({
  workloads: [{ name: 'api', image: 'x' }],
  databases: { postgres: dump ? { seed: { dump } } : {} },
});
const URL_AT_SHA = `https://github.com/acme/orders/blob/${SHA}/db/seed%20data/orders.sql`;

describe('readSeedDump', () => {
  it('reads the dump at the commit, as base64 with its git blob SHA as version', async () => {
    const content = Buffer.from('CREATE TABLE t (x int);\n');
    const reader = new InMemoryUrlReader({ [URL_AT_SHA]: content });
    const dump = await readSeedDump({
      entity: entity('url:https://github.com/acme/orders/tree/main/'),
      branch: 'feature/x',
      sha: SHA,
      spec: spec('db/seed data/orders.sql'),
      urlReader: reader,
    });
    expect(reader.requested).toEqual([URL_AT_SHA]);
    expect(dump).toEqual({
      data: content.toString('base64'),
      version: gitBlobSha(content).slice(0, 12),
    });
  });

  it('computes the same SHA as git', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blob-'));
    const file = join(dir, 'orders.sql');
    const content = Buffer.from('INSERT INTO t VALUES (1);\n');
    writeFileSync(file, content);
    expect(gitBlobSha(content)).toBe(
      execFileSync('git', ['hash-object', file], { encoding: 'utf8' }).trim(),
    );
  });

  it('reads nothing for specs without a dump', async () => {
    const reader = new InMemoryUrlReader({});
    expect(
      await readSeedDump({
        entity: entity(),
        branch: 'b',
        spec: spec(),
        urlReader: reader,
      }),
    ).toBeUndefined();
    expect(reader.requested).toEqual([]);
  });

  it.each([
    [
      'too large for a ConfigMap',
      Buffer.alloc(MAX_SEED_DUMP_BYTES + 1),
      InputError,
      /more than the 900 KiB .* seed\.url/,
    ],
    ['missing', undefined, InputError, /does not exist in the repository/],
    [
      'unreadable',
      new Error('ECONNRESET'),
      ServiceUnavailableError,
      /Could not read the seed dump/,
    ],
  ])('refuses a dump that is %s', async (_, file, type, message) => {
    const reader = new InMemoryUrlReader(
      file === undefined ? {} : { [URL_AT_SHA]: file },
    );
    const read = readSeedDump({
      entity: entity('url:https://github.com/acme/orders'),
      branch: 'b',
      sha: SHA,
      spec: spec('db/seed data/orders.sql'),
      urlReader: reader,
    });
    await expect(read).rejects.toThrow(type);
    await expect(read).rejects.toThrow(message);
  });

  it('says what to use instead when the component has no repository URL', async () => {
    await expect(
      readSeedDump({
        entity: entity(),
        branch: 'b',
        spec: spec('db/o.sql'),
        urlReader: new InMemoryUrlReader({}),
      }),
    ).rejects.toThrow(/not a repository URL; use seed\.url or seed\.image/);
  });
});
