import { Knex } from 'knex';
import { PreviewEvent } from '@backstage-previews/plugin-previews-common';

interface PreviewEventRow {
  seq?: number;
  preview_id: string;
  at: string | Date;
  type: string;
  actor: string | null;
  message: string;
}

/** Longest message kept; longer ones (e.g. echoed hostile input) are cut. */
const MAX_MESSAGE = 2000;

/** The `preview_events` table: each preview's history, oldest first. */
export class PreviewEventStore {
  constructor(private readonly db: Knex) {}

  async record(previewId: string, event: Omit<PreviewEvent, 'at'> & { at?: string }): Promise<void> {
    await this.db<PreviewEventRow>('preview_events').insert({
      preview_id: previewId,
      at: event.at ?? new Date().toISOString(),
      type: event.type.slice(0, 64),
      actor: event.actor?.slice(0, 255) ?? null,
      message: event.message.slice(0, MAX_MESSAGE),
    });
  }

  async list(previewId: string): Promise<PreviewEvent[]> {
    const rows = await this.db<PreviewEventRow>('preview_events')
      .where({ preview_id: previewId })
      .orderBy([{ column: 'at', order: 'asc' }, { column: 'seq', order: 'asc' }]);
    return rows.map(r => ({
      at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
      type: r.type,
      ...(r.actor ? { actor: r.actor } : {}),
      message: r.message,
    }));
  }
}
