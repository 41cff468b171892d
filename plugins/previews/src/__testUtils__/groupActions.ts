import { NotFoundError } from '@backstage/errors';
import { Preview } from '@backstage-previews/plugin-previews-common';
import { isLive, PreviewRecords } from './PreviewRecords';

/** The live previews of a branch's group (not those already going). */
function groupOf(records: PreviewRecords, branch: string): Preview[] {
  return records.previews.filter(
    p => p.group === branch && isLive(p) && p.status !== 'destroying',
  );
}

export function getGroup(
  records: PreviewRecords,
  branch: string,
): { branch: string; items: Preview[] } {
  const items = groupOf(records, branch);
  if (items.length === 0)
    throw new NotFoundError(`No group of branch ${branch}`);
  return { branch, items: items.map(p => ({ ...p })) };
}

export function destroyGroup(
  records: PreviewRecords,
  branch: string,
): { items: Preview[] } {
  const items = groupOf(records, branch);
  if (items.length === 0)
    throw new NotFoundError(`No group of branch ${branch}`);
  return {
    items: items.map(p => records.change(p, { status: 'destroying' })),
  };
}
