import {
  Preview,
  PreviewsSummary,
} from '@backstage-previews/plugin-previews-common';
import { isLive } from './PreviewRecords';

/** Live previews and their cost per hour, in all and by component (no owners, nothing expiring). */
export function previewsSummary(previews: readonly Preview[]): PreviewsSummary {
  const live = previews.filter(isLive);
  const cost = (ps: Preview[]) =>
    ps.reduce((sum, p) => sum + (p.cost?.perHour ?? 0), 0);
  const group = (ref: string, ps: Preview[]) => ({
    ref,
    live: ps.length,
    costPerHour: cost(ps),
    expiringSoon: 0,
  });
  const refs = [...new Set(live.map(p => p.entityRef))];
  return {
    total: group('all', live),
    byComponent: refs.map(r =>
      group(
        r,
        live.filter(p => p.entityRef === r),
      ),
    ),
    byOwner: [],
    currency: live[0]?.cost?.currency ?? 'USD',
  };
}
