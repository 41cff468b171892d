import { createHash } from 'node:crypto';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { PREVIEW_SPEC_FILE, previewSpecFileUrl } from './resolvePreviewSpec';
import { readAtMost } from './readAtMost';

/**
 * Largest dump kept in a ConfigMap: Kubernetes objects are limited to 1 MiB
 * and base64 makes data a third larger on the way, so stay well below.
 */
export const MAX_SEED_DUMP_BYTES = 900 * 1024;

/** The SHA git gives the file's content (a blob), which is the dump's version. */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/** The URL of a file at `ref` in the entity's repository, like the spec file's. */
export function repoFileUrl(
  entity: Entity,
  ref: string,
  path: string,
): string | undefined {
  const specUrl = previewSpecFileUrl(entity, ref);
  if (!specUrl) return undefined;
  const base = specUrl.slice(0, -PREVIEW_SPEC_FILE.length);
  return `${base}${path.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The `databases.postgres.seed.dump` of a spec, read from the component's
 * repository at the commit (else the branch) through the UrlReader: base64
 * content and version (its git blob SHA, 12 characters). Undefined when the
 * spec has no dump. A dump too large for a ConfigMap, or missing, is refused
 * with an InputError that says what to use instead.
 */
export async function readSeedDump(options: {
  entity: Entity;
  branch: string;
  sha?: string;
  spec: PreviewSpec;
  urlReader?: UrlReaderService;
}): Promise<{ data: string; version: string } | undefined> {
  const path = options.spec.databases?.postgres?.seed?.dump;
  if (!path) return undefined;
  const entityRef = stringifyEntityRef(options.entity);
  const ref = options.sha ?? options.branch;
  const url = repoFileUrl(options.entity, ref, path);
  if (!url || !options.urlReader) {
    throw new InputError(
      `The seed dump ${path} of ${entityRef} is read from its repository, but its backstage.io/source-location is not a repository URL; use seed.url or seed.image instead`,
    );
  }
  let content: Buffer | undefined;
  try {
    content = await readAtMost(
      await options.urlReader.readUrl(url),
      MAX_SEED_DUMP_BYTES,
    );
  } catch (e) {
    if (isError(e) && e.name === 'NotFoundError') {
      throw new InputError(
        `The seed dump ${path} does not exist in the repository of ${entityRef} at ${ref}`,
      );
    }
    throw new ServiceUnavailableError(
      `Could not read the seed dump ${path} of ${entityRef} from ${url}; try again later`,
      e,
    );
  }
  if (!content) {
    throw new InputError(
      `The seed dump ${path} of ${entityRef} is more than the ${
        MAX_SEED_DUMP_BYTES / 1024
      } KiB a ConfigMap can hold; publish it and give seed.url (downloaded by the seed Job), or bake it into a seed.image`,
    );
  }
  return {
    data: content.toString('base64'),
    version: gitBlobSha(content).slice(0, 12),
  };
}
