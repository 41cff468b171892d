import {
  BranchPickerItem,
  ListBranchesResponse,
} from '@backstage-previews/plugin-previews-common';
import { ListBranchesOptions } from '../api';

/** The branch picker's page: items matching the query by branch, title or `#number`, 30 a page. */
export function listBranches(
  branchItems: readonly BranchPickerItem[],
  options: ListBranchesOptions,
): ListBranchesResponse {
  const q = options.q?.toLowerCase() ?? '';
  const matching = branchItems.filter(
    i =>
      i.branch.toLowerCase().includes(q) ||
      (i.title?.toLowerCase().includes(q) ?? false) ||
      (i.number !== undefined && `#${i.number}`.includes(q)),
  );
  const page = options.page ?? 1;
  return {
    items: matching.slice((page - 1) * 30, page * 30),
    hasMore: matching.length > page * 30,
    page,
  };
}
