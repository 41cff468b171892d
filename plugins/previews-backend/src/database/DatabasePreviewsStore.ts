import { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  LIVE_PREVIEW_STATUSES,
  PreviewStatus,
  PreviewTestRun,
  PreviewTestStatus,
} from '@backstage-previews/plugin-previews-common';
import type { PreviewTestPlan } from '@backstage-previews/plugin-previews-node';
import type {
  ExpiryWrite,
  LiveLifecycle,
  PreviewStatusChange,
  ResolvedDependency,
  ResourceFootprint,
  StoredExpiry,
  StoredPreview,
  WiringPreview,
} from '../types';
import {
  NewPreviewRecord,
  PreviewsStore,
  TransitionGuard,
  WiringFilter,
} from './PreviewsStore';
import {
  LifecycleListRow,
  PreviewRow,
  WiringRow,
  lifecycleColumns,
  seedColumns,
  parseTestPlan,
  testsColumns,
  timelineColumns,
  toLiveLifecycle,
  toStoredExpiry,
  toStoredPreview,
  toWiringPreview,
} from './tables';

const migrationsDir = resolvePackagePath(
  '@backstage-previews/plugin-previews-backend',
  'migrations',
);

/** At most one live preview per component and branch: a unique column, cleared on destroy. */
const liveKey = (entityRef: string, branch: string) => `${entityRef} ${branch}`;

const WIRING_COLUMNS = [
  'id',
  'name',
  'entity_ref',
  'branch',
  'status',
  'service_url',
  'cluster',
  'url',
];

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (
    err?.code === '23505' || // postgres
    err?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/i.test(err?.message ?? '')
  );
}

/** The previews table on SQLite or Postgres (knex). */
export class DatabasePreviewsStore implements PreviewsStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabasePreviewsStore> {
    const client = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabasePreviewsStore(client);
  }

  constructor(private readonly db: Knex) {}

  private get previews() {
    return this.db<PreviewRow>('previews');
  }

  async insert(preview: NewPreviewRecord): Promise<StoredPreview> {
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
        ? {
            wait_check: preview.waitingFor.check.slice(0, 255),
            wait_check_url: preview.waitingFor.url ?? null,
          }
        : {}),
      ...lifecycleColumns(preview.lifecycle),
      ...seedColumns({ seed: preview.seed }),
      ...testsColumns({
        tests: preview.tests ?? null,
        testPlan: preview.testPlan ?? null,
      }),
      ...timelineColumns(preview),
    };
    try {
      await this.previews.insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) {
        const existing = await this.findLive(preview.entityRef, preview.branch);
        throw new ConflictError(
          `${
            preview.entityRef
          } already has a preview of branch ${JSON.stringify(preview.branch)}${
            existing ? ` (${existing.name}, ${existing.status})` : ''
          }`,
        );
      }
      throw e;
    }
    return toStoredPreview(row);
  }

  async get(id: string): Promise<StoredPreview | undefined> {
    const row = await this.previews.where({ id }).first();
    return row ? toStoredPreview(row) : undefined;
  }

  async findLive(
    entityRef: string,
    branch: string,
  ): Promise<StoredPreview | undefined> {
    const row = await this.previews
      .where({ live_key: liveKey(entityRef, branch) })
      .first();
    return row ? toStoredPreview(row) : undefined;
  }

  async findLiveByName(
    name: string,
    cluster?: string,
  ): Promise<StoredPreview | undefined> {
    const row = await this.previews
      .where({ name })
      .whereNotNull('live_key')
      .modify(q => {
        // Previews of the default cluster may have no cluster recorded.
        if (cluster) q.where(b => b.where({ cluster }).orWhereNull('cluster'));
      })
      .first();
    return row ? toStoredPreview(row) : undefined;
  }

  async list(filter: {
    entityRef?: string;
    statuses?: readonly PreviewStatus[];
  }): Promise<StoredPreview[]> {
    const query = this.previews.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    if (filter.statuses) query.whereIn('status', [...filter.statuses]);
    return (await query).map(toStoredPreview);
  }

  async transition(
    id: string,
    from: readonly PreviewStatus[],
    change: PreviewStatusChange,
    guard: TransitionGuard = {},
  ): Promise<StoredPreview | undefined> {
    const patch: Partial<PreviewRow> = {
      status: change.status,
      updated_at: new Date().toISOString(),
    };
    if (change.statusMessage !== undefined)
      patch.status_message = change.statusMessage;
    if (change.readyAt) patch.ready_at = change.readyAt;
    if (change.destroyedAt) patch.destroyed_at = change.destroyedAt;
    if (change.destroyStartedAt)
      patch.destroy_started_at = change.destroyStartedAt;
    if (change.sha) patch.sha = change.sha;
    if (change.specSource) patch.spec_source = change.specSource;
    if (change.details) patch.details = JSON.stringify(change.details);
    Object.assign(
      patch,
      seedColumns(change),
      testsColumns(change),
      timelineColumns(change),
    );
    if (change.waitingFor !== undefined) {
      patch.wait_check = change.waitingFor?.check.slice(0, 255) ?? null;
      patch.wait_check_url = change.waitingFor?.url ?? null;
    }
    if (change.status === 'destroyed') patch.live_key = null;
    const query = this.previews.where({ id }).whereIn('status', [...from]);
    if (guard.expiredBy)
      query.where('expires_at', '<=', guard.expiredBy.toISOString());
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

  async testPlanOf(id: string): Promise<PreviewTestPlan | undefined> {
    const row = await this.previews.where({ id }).first('test_plan');
    return row ? parseTestPlan(row) : undefined;
  }

  async updateTests(
    id: string,
    expected: { run: number; statuses: readonly PreviewTestStatus[] },
    tests: PreviewTestRun,
  ): Promise<StoredPreview | undefined> {
    const count = await this.previews
      .where({ id, tests_run: expected.run })
      .whereIn('tests_status', [...expected.statuses])
      .whereNotNull('live_key')
      .update(testsColumns({ tests }));
    return count > 0 ? this.get(id) : undefined;
  }

  async deleteUnprovisioned(id: string): Promise<void> {
    await this.previews.where({ id }).delete();
  }

  async listLiveByPullRequest(
    repo: { host: string; fullName: string },
    prNumber: number,
    defaultHost: string,
  ): Promise<StoredPreview[]> {
    const host = repo.host.toLowerCase();
    const rows = await this.previews
      .whereRaw('lower(repo) = ?', [repo.fullName.toLowerCase()])
      .where({ pr_number: prNumber })
      .where(q => {
        q.where({ repo_host: host });
        if (host === defaultHost.toLowerCase()) q.orWhereNull('repo_host');
      })
      .whereNotNull('live_key');
    return rows.map(toStoredPreview);
  }

  async setGithubDeploymentId(id: string, deploymentId: string): Promise<void> {
    await this.previews
      .where({ id })
      .update({ github_deployment_id: deploymentId });
  }

  async modifyExpiry(
    id: string,
    change: (stored: StoredExpiry) => ExpiryWrite | undefined,
  ): Promise<StoredExpiry | undefined> {
    const locks = /^(pg|postgres)/.test(
      String(this.db.client.config?.client ?? ''),
    );
    return this.db.transaction(async trx => {
      const query = trx<LifecycleListRow>('previews')
        .where({ id })
        .whereNotNull('live_key');
      const row = await (locks ? query.forUpdate() : query).first();
      if (!row) return undefined;
      const stored = toStoredExpiry(row);
      const next = change(stored);
      if (!next) return stored;
      await trx<LifecycleListRow>('previews')
        .where({ id })
        .update({
          ttl_expires_at: next.ttlExpiresAt,
          max_expires_at: next.maxExpiresAt,
          extended_until: next.extendedUntil ?? null,
          keep: next.keep,
          keep_label: next.keepLabel,
          last_activity_at: next.lastActivityAt,
          expires_at: next.expiresAt ?? null,
          ...(next.resetWarning ? { warned_at: null } : {}),
        });
      const { resetWarning: _reset, expiresAt: _expiresAt, ...written } = next;
      return { createdAt: stored.createdAt, ...written };
    });
  }

  async listLiveLifecycles(): Promise<LiveLifecycle[]> {
    const rows = await this.db<LifecycleListRow>('previews')
      .whereNotNull('live_key')
      .orderBy('created_at', 'asc');
    return rows.map(toLiveLifecycle);
  }

  async liveIdsOfPullRequest(repo: string, number: number): Promise<string[]> {
    const rows = await this.previews
      .whereRaw('lower(repo) = ?', [repo.toLowerCase()])
      .where({ pr_number: number })
      .whereNotNull('live_key')
      .select('id');
    return rows.map(r => r.id);
  }

  async claimExpiryWarning(id: string, now: Date): Promise<boolean> {
    const count = await this.previews
      .where({ id })
      .whereNull('warned_at')
      .update({ warned_at: now.toISOString() });
    return count === 1;
  }

  async setFootprint(id: string, footprint: ResourceFootprint): Promise<void> {
    await this.previews
      .where({ id })
      .update({ resources: JSON.stringify(footprint) });
  }

  async setResolvedDependencies(
    id: string,
    resolved: ResolvedDependency[],
    serviceUrl: string | undefined,
  ): Promise<void> {
    await this.previews.where({ id }).update({
      dependencies: resolved.length ? JSON.stringify(resolved) : null,
      service_url: serviceUrl?.slice(0, 1024) ?? null,
    });
  }

  async updateResolvedDependencies(
    id: string,
    resolved: ResolvedDependency[],
  ): Promise<void> {
    await this.previews.where({ id }).update({
      dependencies: resolved.length ? JSON.stringify(resolved) : null,
    });
  }

  async liveForWiring(filter: WiringFilter = {}): Promise<WiringPreview[]> {
    const rows = await this.db<WiringRow>('previews')
      .whereIn('status', [...LIVE_PREVIEW_STATUSES])
      .modify(q => {
        if (filter.entityRefs)
          q.whereIn(
            this.db.raw('lower(entity_ref)') as any,
            filter.entityRefs.map(r => r.toLocaleLowerCase('en-US')),
          );
        if (filter.branch !== undefined) q.where({ branch: filter.branch });
        if (filter.group !== undefined)
          q.where({ dependency_group: filter.group });
        if (filter.ids) q.whereIn('id', filter.ids);
      })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .select(...WIRING_COLUMNS, 'dependencies', 'dependency_group');
    return (rows as WiringRow[]).map(toWiringPreview);
  }

  async wiringFactsByIds(ids: string[]): Promise<WiringPreview[]> {
    if (!ids.length) return [];
    const rows = await this.db<WiringRow>('previews')
      .whereIn('id', ids)
      .select(...WIRING_COLUMNS);
    return (rows as WiringRow[]).map(toWiringPreview);
  }

  async liveIdsMentioning(previewId: string): Promise<string[]> {
    const rows = await this.previews
      .whereIn('status', [...LIVE_PREVIEW_STATUSES])
      .where('dependencies', 'like', `%${previewId}%`)
      .select('id');
    return rows.map(r => r.id);
  }

  async setDependencyGroup(
    branch: string,
    members: Set<string>,
  ): Promise<void> {
    await this.previews
      .where({ branch })
      .whereIn('status', [...LIVE_PREVIEW_STATUSES])
      .modify(q => {
        if (members.size) q.whereNotIn('id', [...members]);
      })
      .update({ dependency_group: null });
    if (members.size) {
      await this.previews
        .whereIn('id', [...members])
        .update({ dependency_group: branch.slice(0, 255) });
    }
  }

  async clearDependencyGroup(id: string): Promise<void> {
    await this.previews.where({ id }).update({ dependency_group: null });
  }
}
