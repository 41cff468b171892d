import {
  CreatedPreviewShareLink,
  OpenPreviewResponse,
  PreviewBypassToken,
  PreviewShareLink,
} from '@backstage-previews/plugin-previews-common';
import { PreviewRecords } from './PreviewRecords';

/** Share links by preview id, as the backend keeps them (without URLs). */
export type ShareLinks = Record<string, PreviewShareLink[]>;

let counter = 0;
const next = () => `${++counter}`.padStart(12, '0');

/** As the backend with protected URLs: the URL with a token; a preview without a URL is refused. */
export function openPreview(
  records: PreviewRecords,
  id: string,
): OpenPreviewResponse {
  const preview = records.find(id);
  if (!preview.url) throw new Error(`Preview ${preview.name} has no URL`);
  return {
    url: `${preview.url}?previews_token=t${next()}`,
    expiresAt: new Date(Date.now() + 300_000).toISOString(),
  };
}

export function createShareLink(
  records: PreviewRecords,
  links: ShareLinks,
  id: string,
  request: { hours?: number; note?: string },
): CreatedPreviewShareLink {
  const preview = records.find(id);
  const hours = request.hours ?? 24;
  if (!(hours > 0) || hours > 168)
    throw new Error('A share link lasts more than 0 and at most 168 hours');
  const link: PreviewShareLink = {
    id: `00000000-0000-4000-8000-${next()}`,
    previewId: id,
    createdBy: 'user:default/guest',
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
    ...(request.note ? { note: request.note } : {}),
  };
  links[id] = [link, ...(links[id] ?? [])];
  return { ...link, url: `${preview.url}?previews_token=s${link.id}` };
}

export function revokeShareLink(
  links: ShareLinks,
  id: string,
  linkId: string,
): PreviewShareLink {
  const link = (links[id] ?? []).find(l => l.id === linkId);
  if (!link) throw new Error(`Preview ${id} has no share link ${linkId}`);
  if (!link.revokedAt)
    Object.assign(link, {
      revokedAt: new Date().toISOString(),
      revokedBy: 'user:default/guest',
    });
  return { ...link };
}

export function rotateBypassToken(
  records: PreviewRecords,
  id: string,
): PreviewBypassToken {
  records.find(id);
  return {
    header: 'x-previews-bypass',
    token: `pbt_${next()}`,
    rotatedAt: new Date().toISOString(),
  };
}
