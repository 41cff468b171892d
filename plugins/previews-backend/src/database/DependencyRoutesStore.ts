import { Knex } from 'knex';
import type { DependencyRoute } from '../types';
import { RouteRow, toDependencyRoute } from './tables';

/** The table preview_dependency_routes: where each dependency of a preview points. */
export class DependencyRoutesStore {
  constructor(private readonly db: Knex) {}

  async routesOf(previewId: string): Promise<DependencyRoute[]> {
    return (
      await this.db<RouteRow>('preview_dependency_routes').where({
        preview_id: previewId,
      })
    ).map(toDependencyRoute);
  }

  /** Ids of the previews with a route to this preview. */
  async routedTo(previewId: string): Promise<string[]> {
    const rows = await this.db<RouteRow>('preview_dependency_routes')
      .where({ target_preview_id: previewId })
      .select('preview_id');
    return rows.map(r => r.preview_id);
  }

  /** Stores where one dependency points (replacing what was there). */
  async setRoute(previewId: string, route: DependencyRoute): Promise<void> {
    const row: RouteRow = {
      preview_id: previewId,
      dependency_ref: route.dependencyRef
        .toLocaleLowerCase('en-US')
        .slice(0, 255),
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
  async restoreRoute(
    previewId: string,
    dependencyRef: string,
    before: DependencyRoute | undefined,
  ): Promise<void> {
    if (before) {
      await this.setRoute(previewId, before);
      return;
    }
    await this.db<RouteRow>('preview_dependency_routes')
      .where({
        preview_id: previewId,
        dependency_ref: dependencyRef.toLocaleLowerCase('en-US'),
      })
      .delete();
  }

  /** Forgets the routes of a preview that is gone. */
  async deleteRoutesOf(previewId: string): Promise<void> {
    await this.db<RouteRow>('preview_dependency_routes')
      .where({ preview_id: previewId })
      .delete();
  }
}
