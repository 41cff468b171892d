import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const TABLE = 'previews_installation';

/** A valid Kubernetes label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/**
 * This installation's id: `previews.installationId` when configured, else
 * the one stored in the database, generated on first start. Every replica
 * and every restart reads the same one, so the orphan sweep keeps
 * recognising its own previews.
 */
export async function loadInstallationId(
  db: Knex,
  configured?: string,
): Promise<string> {
  if (configured !== undefined) {
    if (!LABEL_VALUE.test(configured)) {
      throw new Error(
        `Invalid config previews.installationId '${configured}': it labels Kubernetes objects, so it must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      );
    }
    return configured;
  }
  // One row under a fixed key: of replicas starting at once, the first insert wins and all read it.
  await db(TABLE)
    .insert({ key: 'installation', id: randomUUID(), created_at: new Date() })
    .onConflict('key')
    .ignore();
  const row = await db(TABLE).where({ key: 'installation' }).first('id');
  return row.id;
}
