import { Knex } from 'knex';
import { LIVE_PREVIEW_STATUSES } from '@backstage-previews/plugin-previews-common';
import { DependencyPreviewFacts, DependencyRoute, ResolvedDependency } from './resolveDependencies';
import { RouteRow, WiringRow, parseResolvedDependencies } from '../database/tables';

/** A live preview as dependency wiring sees it. */
export interface WiringPreview extends DependencyPreviewFacts {
  dependencies?: ResolvedDependency[];
  group?: string;
}

const toRoute = (row: RouteRow): DependencyRoute => ({
  dependencyRef: row.dependency_ref,
  ...(row.target_preview_id ? { targetPreviewId: row.target_preview_id } : {}),
  explicit: Boolean(row.explicit),
  ...(row.message ? { message: row.message } : {}),
});

/** Routes (table preview_dependency_routes) and the dependency columns of the previews table. */
export class DependencyStore {
  constructor(private readonly db: Knex) {}

  async routesOf(previewId: string): Promise<DependencyRoute[]> {
    return (await this.db<RouteRow>('preview_dependency_routes').where({ preview_id: previewId })).map(toRoute);
  }

  /** Stores where one dependency points (replacing what was there). */
  async setRoute(previewId: string, route: DependencyRoute): Promise<void> {
    const row: RouteRow = {
      preview_id: previewId,
      dependency_ref: route.dependencyRef.toLocaleLowerCase('en-US').slice(0, 255),
      target_preview_id: route.targetPreviewId ?? null,
      explicit: route.explicit,
      message: route.message ?? null,
      updated_at: new Date().toISOString(),
    };
    await this.db<RouteRow>('preview_dependency_routes')
      .insert(row)
      .onConflict(['preview_id', 'dependency_ref'])
      .merge(['target_preview_id', 'explicit', 'message', 'updated_at']);
  }

  /** Puts back a route as it was before (none: removes it). */
  async restoreRoute(previewId: string, dependencyRef: string, before: DependencyRoute | undefined): Promise<void> {
    if (before) {
      await this.setRoute(previewId, before);
      return;
    }
    await this.db<RouteRow>('preview_dependency_routes')
      .where({ preview_id: previewId, dependency_ref: dependencyRef.toLocaleLowerCase('en-US') })
      .delete();
  }

  /** Forgets the routes of a preview that is gone. */
  async deleteRoutesOf(previewId: string): Promise<void> {
    await this.db<RouteRow>('preview_dependency_routes').where({ preview_id: previewId }).delete();
  }

  /** Records what the last deploy resolved and how others reach the preview. */
  async setResolved(previewId: string, resolved: ResolvedDependency[], serviceUrl: string | undefined): Promise<void> {
    await this.db('previews')
      .where({ id: previewId })
      .update({ dependencies: resolved.length ? JSON.stringify(resolved) : null, service_url: serviceUrl?.slice(0, 1024) ?? null });
  }

  /** Replaces the resolved dependencies only (nothing was deployed). */
  async updateResolved(previewId: string, resolved: ResolvedDependency[]): Promise<void> {
    await this.db('previews')
      .where({ id: previewId })
      .update({ dependencies: resolved.length ? JSON.stringify(resolved) : null });
  }

  /** Live previews, optionally of some components or of one branch. */
  async live(filter: { entityRefs?: string[]; branch?: string; group?: string; ids?: string[] } = {}): Promise<WiringPreview[]> {
    const rows = await this.db('previews')
      .whereIn('status', [...LIVE_PREVIEW_STATUSES])
      .modify(q => {
        if (filter.entityRefs) q.whereIn(this.db.raw('lower(entity_ref)') as any, filter.entityRefs.map(r => r.toLocaleLowerCase('en-US')));
        if (filter.branch !== undefined) q.where({ branch: filter.branch });
        if (filter.group !== undefined) q.where({ dependency_group: filter.group });
        if (filter.ids) q.whereIn('id', filter.ids);
      })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .select('id', 'name', 'entity_ref', 'branch', 'status', 'service_url', 'cluster', 'url', 'dependencies', 'dependency_group');
    return (rows as WiringRow[]).map(r => ({
      id: r.id,
      name: r.name,
      entityRef: r.entity_ref,
      branch: r.branch,
      status: r.status,
      ...(r.service_url ? { serviceUrl: r.service_url } : {}),
      ...(r.cluster ? { cluster: r.cluster } : {}),
      ...(r.url ? { publicUrl: r.url } : {}),
      ...(r.dependencies ? { dependencies: parseResolvedDependencies(r.dependencies) } : {}),
      ...(r.dependency_group ? { group: r.dependency_group } : {}),
    }));
  }

  /** Any previews (live or not) by id, for resolving routes. */
  async byIds(ids: string[]): Promise<WiringPreview[]> {
    if (!ids.length) return [];
    const rows: WiringRow[] = await this.db('previews')
      .whereIn('id', ids)
      .select('id', 'name', 'entity_ref', 'branch', 'status', 'service_url', 'cluster', 'url');
    return rows.map(r => ({
      id: r.id,
      name: r.name,
      entityRef: r.entity_ref,
      branch: r.branch,
      status: r.status,
      ...(r.service_url ? { serviceUrl: r.service_url } : {}),
      ...(r.cluster ? { cluster: r.cluster } : {}),
      ...(r.url ? { publicUrl: r.url } : {}),
    }));
  }

  /** Live previews whose resolved dependencies point at a preview (text match, then checked). */
  async dependentsOf(previewId: string): Promise<WiringPreview[]> {
    const rows = await this.db('previews')
      .whereIn('status', [...LIVE_PREVIEW_STATUSES])
      .where('dependencies', 'like', `%${previewId}%`)
      .select('id');
    const routed = await this.db<RouteRow>('preview_dependency_routes').where({ target_preview_id: previewId }).select('preview_id');
    const ids = [...new Set([...rows.map(r => r.id as string), ...routed.map(r => r.preview_id)])];
    return ids.length ? this.live({ ids }) : [];
  }

  /** Sets the group of a branch's live previews: the branch for members, none for the others. */
  async setGroup(branch: string, members: Set<string>): Promise<void> {
    await this.db('previews')
      .where({ branch })
      .whereIn('status', [...LIVE_PREVIEW_STATUSES])
      .modify(q => {
        if (members.size) q.whereNotIn('id', [...members]);
      })
      .update({ dependency_group: null });
    if (members.size) {
      await this.db('previews').whereIn('id', [...members]).update({ dependency_group: branch.slice(0, 255) });
    }
  }

  /** Clears the group of a preview that is gone. */
  async clearGroup(previewId: string): Promise<void> {
    await this.db('previews').where({ id: previewId }).update({ dependency_group: null });
  }
}
