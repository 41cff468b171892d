import { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { Preview, PreviewDetails, PreviewStatus } from '@backstage-previews/plugin-previews-common';
import type { NewPreviewLifecycle, PreviewBuildWait, PreviewStatusChange, StoredPreview } from '../types';
import { PreviewRow, dependencyFields, lifecycleColumns, lifecycleFields, seedColumns, seedFields } from './tables';

const migrationsDir = resolvePackagePath(
  '@backstage-previews/plugin-previews-backend',
  'migrations',
);





const iso = (v: string | Date) => (v instanceof Date ? v : new Date(v)).toISOString();
const liveKey = (entityRef: string, branch: string) => `${entityRef} ${branch}`;

function parseDetails(text: string | null): PreviewDetails | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toPreview(row: PreviewRow): StoredPreview {
  const details = parseDetails(row.details);
  return {
    id: row.id,
    entityRef: row.entity_ref,
    branch: row.branch,
    engine: row.engine,
    name: row.name,
    namespace: row.namespace,
    status: row.status,
    ...(row.status_message ? { statusMessage: row.status_message } : {}),
    ...(row.url ? { url: row.url } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    ...(row.ready_at ? { readyAt: iso(row.ready_at) } : {}),
    ...(row.destroyed_at ? { destroyedAt: iso(row.destroyed_at) } : {}),
    ...(row.sha ? { sha: row.sha } : {}),
    ...(row.cluster ? { cluster: row.cluster } : {}),
    ...(row.spec_source ? { specSource: row.spec_source } : {}),
    ...(details ? { details } : {}),
    ...(row.destroy_started_at ? { destroyStartedAt: iso(row.destroy_started_at) } : {}),
    ...(row.pr_number
      ? {
          pullRequest: {
            number: Number(row.pr_number),
            ...(row.pr_title ? { title: row.pr_title } : {}),
            ...(row.pr_url ? { url: row.pr_url } : {}),
          },
        }
      : {}),
    ...(row.repo ? { repo: row.repo } : {}),
    ...(row.trigger === 'portal' || row.trigger === 'label' ? { trigger: row.trigger } : {}),
    ...(row.github_deployment_id ? { githubDeploymentId: row.github_deployment_id } : {}),
    ...(row.wait_check
      ? { waitingFor: { check: row.wait_check, ...(row.wait_check_url ? { url: row.wait_check_url } : {}) } }
      : {}),
    ...lifecycleFields(row),
    ...dependencyFields(row),
    ...seedFields(row),
  };
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (
    err?.code === '23505' || // postgres
    err?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/i.test(err?.message ?? '')
  );
}

/** The previews table, behind a small interface so nothing else sees knex. */
export class PreviewStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<PreviewStore> {
    const client = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new PreviewStore(client);
  }

  constructor(private readonly db: Knex) {}

  /**
   * Records a new live preview. Throws ConflictError when the component
   * already has a live preview of this branch.
   */
  async insert(
    preview: Omit<Preview, 'createdAt' | 'updatedAt'> & {
      createdAt?: string;
      waitingFor?: PreviewBuildWait;
      /** Expiry, activity, owner and footprint (issue 8). */
      lifecycle?: NewPreviewLifecycle;
      /** The GitHub host of `repo`. */
      repoHost?: string;
    },
  ): Promise<StoredPreview> {
    const now = preview.createdAt ?? new Date().toISOString();
    const row: PreviewRow = {
      id: preview.id,
      entity_ref: preview.entityRef,
      branch: preview.branch,
      engine: preview.engine,
      name: preview.name,
      namespace: preview.namespace,
      status: preview.status,
      status_message: preview.statusMessage ?? null,
      url: preview.url ?? null,
      created_by: preview.createdBy ?? null,
      created_at: now,
      updated_at: now,
      ready_at: null,
      destroyed_at: null,
      live_key: liveKey(preview.entityRef, preview.branch),
      sha: preview.sha ?? null,
      cluster: preview.cluster ?? null,
      spec_source: preview.specSource ?? null,
      details: null,
      destroy_started_at: null,
      pr_number: preview.pullRequest?.number ?? null,
      pr_title: preview.pullRequest?.title?.slice(0, 512) ?? null,
      pr_url: preview.pullRequest?.url ?? null,
      repo: preview.repo ?? null,
      repo_host: preview.repoHost?.toLowerCase() ?? null,
      trigger: preview.trigger ?? null,
      ...(preview.waitingFor
        ? { wait_check: preview.waitingFor.check.slice(0, 255), wait_check_url: preview.waitingFor.url ?? null }
        : {}),
      ...lifecycleColumns(preview.lifecycle),
      ...seedColumns({ seed: preview.seed }),
    };
    try {
      await this.db<PreviewRow>('previews').insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) {
        const existing = await this.findLive(preview.entityRef, preview.branch);
        throw new ConflictError(
          `${preview.entityRef} already has a preview of branch ${JSON.stringify(preview.branch)}` +
            (existing ? ` (${existing.name}, ${existing.status})` : ''),
        );
      }
      throw e;
    }
    return toPreview(row);
  }

  async get(id: string): Promise<StoredPreview | undefined> {
    const row = await this.db<PreviewRow>('previews').where({ id }).first();
    return row ? toPreview(row) : undefined;
  }

  async findLive(entityRef: string, branch: string): Promise<StoredPreview | undefined> {
    const row = await this.db<PreviewRow>('previews')
      .where({ live_key: liveKey(entityRef, branch) })
      .first();
    return row ? toPreview(row) : undefined;
  }

  /** The live preview with this name (names are unique among live previews). */
  async findLiveByName(name: string, cluster?: string): Promise<StoredPreview | undefined> {
    const row = await this.db<PreviewRow>('previews')
      .where({ name })
      .whereNotNull('live_key')
      .modify(q => {
        // Previews of the default cluster may have no cluster recorded.
        if (cluster) q.where(b => b.where({ cluster }).orWhereNull('cluster'));
      })
      .first();
    return row ? toPreview(row) : undefined;
  }

  async list(filter: { entityRef?: string; statuses?: readonly PreviewStatus[] }): Promise<StoredPreview[]> {
    const query = this.db<PreviewRow>('previews').orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    if (filter.statuses) query.whereIn('status', [...filter.statuses]);
    return (await query).map(toPreview);
  }

  // (TransitionGuard is declared at the end of this file)
  /**
   * Changes the status only if the preview is still in one of `from`
   * (compare-and-set, so concurrent writers cannot undo each other).
   * Returns the updated preview, or undefined when nothing changed.
   */
  async transition(
    id: string,
    from: readonly PreviewStatus[],
    change: PreviewStatusChange,
    /** More that must still hold, read with the status (see TransitionGuard). */
    guard: TransitionGuard = {},
  ): Promise<StoredPreview | undefined> {
    const patch: Partial<PreviewRow> = {
      status: change.status,
      updated_at: new Date().toISOString(),
    };
    if (change.statusMessage !== undefined) patch.status_message = change.statusMessage;
    if (change.readyAt) patch.ready_at = change.readyAt;
    if (change.destroyedAt) patch.destroyed_at = change.destroyedAt;
    if (change.destroyStartedAt) patch.destroy_started_at = change.destroyStartedAt;
    if (change.sha) patch.sha = change.sha;
    if (change.specSource) patch.spec_source = change.specSource;
    if (change.details) patch.details = JSON.stringify(change.details);
    Object.assign(patch, seedColumns(change));
    if (change.waitingFor !== undefined) {
      patch.wait_check = change.waitingFor?.check.slice(0, 255) ?? null;
      patch.wait_check_url = change.waitingFor?.url ?? null;
    }
    if (change.status === 'destroyed') patch.live_key = null;
    const query = this.db<PreviewRow>('previews').where({ id }).whereIn('status', [...from]);
    if (guard.expiredBy) query.where('expires_at', '<=', guard.expiredBy.toISOString());
    if (guard.seedGeneration !== undefined) {
      const generation = guard.seedGeneration;
      query.where(q => {
        q.where('seed_generation', generation);
        // rows from before the column had a value are generation 1
        if (generation === 1) q.orWhereNull('seed_generation');
      });
    }
    const count = await query.update(patch);
    return count > 0 ? this.get(id) : undefined;
  }

  /** Remembers the GitHub Deployment that reports a preview. */
  async setGithubDeploymentId(id: string, deploymentId: string): Promise<void> {
    await this.db<PreviewRow>('previews').where({ id }).update({ github_deployment_id: deploymentId });
  }

  /**
   * Live previews of a pull request (every component it maps to). GitHub
   * compares owner and name without case; the host must match too (rows
   * without one are the default host's).
   */
  async listLiveByPullRequest(
    repo: { host: string; fullName: string },
    prNumber: number,
    defaultHost: string,
  ): Promise<StoredPreview[]> {
    const host = repo.host.toLowerCase();
    const rows = await this.db<PreviewRow>('previews')
      .whereRaw('lower(repo) = ?', [repo.fullName.toLowerCase()])
      .where({ pr_number: prNumber })
      .where(q => {
        q.where({ repo_host: host });
        if (host === defaultHost.toLowerCase()) q.orWhereNull('repo_host');
      })
      .whereNotNull('live_key');
    return rows.map(toPreview);
  }

  /** Removes a record that never got any object in a cluster. */
  async deleteUnprovisioned(id: string): Promise<void> {
    await this.db<PreviewRow>('previews').where({ id }).delete();
  }
}

/** Conditions a status change checks in the same statement as the status (compare-and-set). */
export interface TransitionGuard {
  /** The stored expiry is at or before this time (the reaper: an extend or keep since its list wins). */
  expiredBy?: Date;
  /** The seed generation is still this one (a reseed since the caller read the preview wins). */
  seedGeneration?: number;
}
