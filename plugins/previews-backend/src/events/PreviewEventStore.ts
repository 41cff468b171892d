import { Knex } from 'knex';
import { PreviewEventRow } from '../database/tables';
import { PreviewEvent } from '@backstage-previews/plugin-previews-common';

/** Longest message kept; longer ones (e.g. echoed hostile input) are cut. */
const MAX_MESSAGE = 2000;

/** The `preview_events` table: each preview's history, oldest first. */
export class PreviewEventStore {
  constructor(private readonly db: Knex) {}

  async record(
    previewId: string,
    event: Omit<PreviewEvent, 'at'> & { at?: string },
  ): Promise<void> {
    await this.db<PreviewEventRow>('preview_events').insert({
      preview_id: previewId,
      at: event.at ?? new Date().toISOString(),
      type: event.type.slice(0, 64),
      actor: event.actor?.slice(0, 255) ?? null,
      message: event.message.slice(0, MAX_MESSAGE),
    });
  }

  /**
   * A page of the preview's history in the order it was recorded: at most
   * `limit` events after the `after` sequence number, and the sequence number
   * to continue from when there are more.
   */
  async list(
    previewId: string,
    page: { limit: number; after?: number },
  ): Promise<{ items: PreviewEvent[]; next?: number }> {
    const query = this.db<PreviewEventRow>('preview_events').where({
      preview_id: previewId,
    });
    if (page.after !== undefined) query.where('seq', '>', page.after);
    const rows = await query.orderBy('seq', 'asc').limit(page.limit + 1);
    const items = rows.slice(0, page.limit).map(r => ({
      at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
      type: r.type,
      ...(r.actor ? { actor: r.actor } : {}),
      message: r.message,
    }));
    return {
      items,
      ...(rows.length > page.limit
        ? { next: Number(rows[page.limit - 1].seq) }
        : {}),
    };
  }
}
