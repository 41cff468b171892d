import { randomBytes } from 'node:crypto';
import { Knex } from 'knex';
import type { PreviewShareLink } from '@backstage-previews/plugin-previews-common';
import type { AccessStore } from './AccessStore';
import {
  AccessKeyRow,
  BypassTokenRow,
  ShareLinkRow,
  toShareLink,
} from './tables';

const KEY_NAME = 'access-tokens';

/** AccessStore on the plugin's database (its migrations create the tables). */
export class DatabaseAccessStore implements AccessStore {
  private key?: Promise<Buffer>;

  constructor(private readonly db: Knex) {}

  signingKey(): Promise<Buffer> {
    this.key ??= this.loadKey().catch(e => {
      this.key = undefined;
      throw e;
    });
    return this.key;
  }

  private async loadKey(): Promise<Buffer> {
    // Two replicas may start at once: the first insert wins, both read it back.
    const row: AccessKeyRow = {
      name: KEY_NAME,
      secret: randomBytes(32).toString('base64'),
      created_at: new Date().toISOString(),
    };
    await this.db<AccessKeyRow>('previews_access_keys')
      .insert(row)
      .onConflict('name')
      .ignore();
    const stored = await this.db<AccessKeyRow>('previews_access_keys')
      .where({ name: KEY_NAME })
      .first();
    if (!stored) throw new Error('The access signing key could not be stored');
    return Buffer.from(stored.secret, 'base64');
  }

  async insertShareLink(link: PreviewShareLink): Promise<void> {
    const row: ShareLinkRow = {
      id: link.id,
      preview_id: link.previewId,
      created_by: link.createdBy,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
      note: link.note ?? null,
      revoked_at: null,
      revoked_by: null,
    };
    await this.db<ShareLinkRow>('preview_share_links').insert(row);
  }

  async getShareLink(id: string): Promise<PreviewShareLink | undefined> {
    const row = await this.db<ShareLinkRow>('preview_share_links')
      .where({ id })
      .first();
    return row ? toShareLink(row) : undefined;
  }

  async listShareLinks(previewId: string): Promise<PreviewShareLink[]> {
    const rows = await this.db<ShareLinkRow>('preview_share_links')
      .where({ preview_id: previewId })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
    return rows.map(toShareLink);
  }

  async revokeShareLink(
    previewId: string,
    id: string,
    by: string,
    at: Date,
  ): Promise<boolean> {
    const changed = await this.db<ShareLinkRow>('preview_share_links')
      .where({ id, preview_id: previewId })
      .whereNull('revoked_at')
      .update({ revoked_at: at.toISOString(), revoked_by: by });
    return changed > 0;
  }

  async setBypassToken(
    previewId: string,
    tokenSha256: string,
    by: string,
    at: Date,
  ): Promise<void> {
    const row: BypassTokenRow = {
      preview_id: previewId,
      token_sha256: tokenSha256,
      rotated_by: by,
      rotated_at: at.toISOString(),
    };
    await this.db<BypassTokenRow>('preview_bypass_tokens')
      .insert(row)
      .onConflict('preview_id')
      .merge();
  }

  async bypassTokenHash(previewId: string): Promise<string | undefined> {
    const row = await this.db<BypassTokenRow>('preview_bypass_tokens')
      .where({ preview_id: previewId })
      .first();
    return row?.token_sha256;
  }
}
