import type { CoreV1Api, V1Job } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { PREVIEW_ID_LABEL } from '../shared/labels';
import {
  DatabaseInputs,
  DatabaseKind,
  declaredDatabases,
} from './renderDatabases';
import { SEED_STEP_LABEL, seedJobName } from './renderSeedJobs';
import { SharedPostgres } from './SharedPostgres';

/** A new random password: URL-safe, so it fits connection URLs as is. */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

function statusCode(e: unknown): number | undefined {
  return (e as { code?: number })?.code;
}

/**
 * The password of a backing service: the one in its Secret when the Secret
 * is this preview's, so redeploys keep it; else a new random one.
 */
async function passwordOf(
  core: CoreV1Api,
  d: PreviewDeployment,
  kind: DatabaseKind,
  namespaceExists: boolean,
): Promise<string> {
  // A new namespace holds no Secret yet (and with namespace-scoped Secret access the backend may not read there before it exists).
  if (!namespaceExists) return randomPassword();
  try {
    const secret = await core.readNamespacedSecret({
      name: kind,
      namespace: d.name,
    });
    const stored = secret.data?.password;
    if (secret.metadata?.labels?.[PREVIEW_ID_LABEL] === d.previewId && stored) {
      return Buffer.from(stored, 'base64').toString('utf8');
    }
  } catch (e) {
    if (statusCode(e) !== 404) throw e;
  }
  return randomPassword();
}

/**
 * Whether this deploy starts a new seed generation of a preview that was
 * seeded before (a reseed): the generation's seed Job is missing while one
 * of another generation exists.
 */
export function isReseed(
  d: PreviewDeployment,
  existingJobs: readonly V1Job[],
): boolean {
  const seedJobs = existingJobs.filter(
    j => j.metadata?.labels?.[SEED_STEP_LABEL] === 'seed',
  );
  const current = seedJobName(d.seedGeneration ?? 1);
  return (
    seedJobs.length > 0 && !seedJobs.some(j => j.metadata?.name === current)
  );
}

/**
 * Everything rendering the spec's `databases` needs: stable passwords, the
 * dump read from the repository, and on the shared server the preview's
 * database (created; recreated empty on a reseed). Undefined without databases.
 */
export async function prepareDatabases(options: {
  core: CoreV1Api;
  /** Whether the preview's namespace existed before this deploy. */
  namespaceExists: boolean;
  deployment: PreviewDeployment;
  existingJobs: readonly V1Job[];
  sharedPostgres?: SharedPostgres;
  downloadImage?: string;
}): Promise<DatabaseInputs | undefined> {
  const { core, deployment: d } = options;
  const kinds = declaredDatabases(d.spec);
  if (!kinds.length) return undefined;
  const passwords: DatabaseInputs['passwords'] = {};
  await Promise.all(
    kinds.map(async kind => {
      passwords[kind] = await passwordOf(
        core,
        d,
        kind,
        options.namespaceExists,
      );
    }),
  );
  const inputs: DatabaseInputs = { passwords };
  if (d.seedDump) inputs.seedDump = d.seedDump;
  if (options.downloadImage) inputs.downloadImage = options.downloadImage;
  if (kinds.includes('postgres') && options.sharedPostgres) {
    inputs.sharedPostgres = await options.sharedPostgres.ensure(
      d.previewId,
      passwords.postgres!,
    );
    if (isReseed(d, options.existingJobs))
      await options.sharedPostgres.recreate(d.previewId);
  }
  return inputs;
}
