import type { PreviewShareLink } from '@backstage-previews/plugin-previews-common';

/**
 * The tables of protected preview URLs: the signing key, share links and
 * bypass tokens (access/PreviewAccess.ts is their only user).
 */
export interface AccessStore {
  /** The installation's signing key: created by the first replica that asks, then the same for all. */
  signingKey(): Promise<Buffer>;
  insertShareLink(link: PreviewShareLink): Promise<void>;
  getShareLink(id: string): Promise<PreviewShareLink | undefined>;
  /** The preview's links, newest first, revoked ones included. */
  listShareLinks(previewId: string): Promise<PreviewShareLink[]>;
  /** Revokes a live link of the preview; false when there is none (unknown, another preview's, or already revoked). */
  revokeShareLink(
    previewId: string,
    id: string,
    by: string,
    at: Date,
  ): Promise<boolean>;
  /** Replaces the preview's bypass token (its hash). */
  setBypassToken(
    previewId: string,
    tokenSha256: string,
    by: string,
    at: Date,
  ): Promise<void>;
  bypassTokenHash(previewId: string): Promise<string | undefined>;
}
