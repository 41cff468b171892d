import { PreviewDependency } from '@backstage-previews/plugin-previews-common';

/**
 * The previews of one branch that form its preview group (pure): those
 * routed to another live preview of the same branch, and those routed to.
 */
export function groupMembers(
  previews: Array<{
    id: string;
    branch: string;
    dependencies?: PreviewDependency[];
  }>,
  branch: string,
): Set<string> {
  const onBranch = new Set(
    previews.filter(p => p.branch === branch).map(p => p.id),
  );
  const members = new Set<string>();
  for (const p of previews) {
    if (!onBranch.has(p.id)) continue;
    for (const d of p.dependencies ?? []) {
      if (
        d.target === 'preview' &&
        d.previewId &&
        d.previewId !== p.id &&
        onBranch.has(d.previewId)
      ) {
        members.add(p.id);
        members.add(d.previewId);
      }
    }
  }
  return members;
}
