import { Octokit } from '@octokit/rest';
import {
  BranchPickerItem,
  ListBranchesResponse,
} from '@backstage-previews/plugin-previews-common';
import { GitHubRepo, readAllPages } from './GitHubClientFactory';

/** Items per page of the picker. */
export const PICKER_PAGE_SIZE = 30;
/** How many branches and pull requests the picker reads from a repository at most. */
const MAX_ITEMS = 1000;

/** Reads every open pull request (first) and branch of a repository as picker items. */
export async function readPickerItems(
  octokit: Octokit,
  repo: GitHubRepo,
): Promise<BranchPickerItem[]> {
  const pulls = await readAllPages(page =>
    octokit.pulls.list({
      owner: repo.owner,
      repo: repo.name,
      state: 'open',
      per_page: 100,
      page,
    }),
  );
  const branches = await readAllPages(page =>
    octokit.repos.listBranches({
      owner: repo.owner,
      repo: repo.name,
      per_page: 100,
      page,
    }),
  );
  const items: BranchPickerItem[] = [];
  for (const pr of pulls.slice(0, MAX_ITEMS)) {
    items.push({
      kind: 'pullRequest',
      branch: pr.head.ref,
      sha: pr.head.sha,
      number: pr.number,
      title: pr.title,
      author: pr.user
        ? {
            login: pr.user.login,
            ...(pr.user.avatar_url ? { avatarUrl: pr.user.avatar_url } : {}),
          }
        : undefined,
      draft: Boolean(pr.draft),
      labels: pr.labels
        .map(l => (typeof l === 'string' ? l : l.name ?? ''))
        .filter(Boolean),
      url: pr.html_url,
    });
  }
  for (const b of branches.slice(0, MAX_ITEMS)) {
    items.push({ kind: 'branch', branch: b.name, sha: b.commit.sha });
  }
  return items;
}

/** Filters by a search text (branch, title, `#number`, author) and cuts one page (from 1). */
export function pickerPage(
  items: BranchPickerItem[],
  q: string | undefined,
  page: number,
  pageSize = PICKER_PAGE_SIZE,
): ListBranchesResponse {
  const needle = q?.trim().toLowerCase();
  const matching = needle
    ? items.filter(
        i =>
          i.branch.toLowerCase().includes(needle) ||
          (i.title?.toLowerCase().includes(needle) ?? false) ||
          (i.number !== undefined &&
            `#${i.number}`.startsWith(
              needle.startsWith('#') ? needle : `#${needle}`,
            )) ||
          (i.author?.login.toLowerCase().includes(needle) ?? false),
      )
    : items;
  const start = (page - 1) * pageSize;
  return {
    items: matching.slice(start, start + pageSize),
    hasMore: matching.length > start + pageSize,
    page,
  };
}

/** Picker items per repository, kept briefly in memory. */
export class BranchPickerCache {
  private readonly entries = new Map<
    string,
    { at: number; items: Promise<BranchPickerItem[]> }
  >();

  constructor(private readonly ttlMs = 30_000) {}

  get(
    key: string,
    load: () => Promise<BranchPickerItem[]>,
  ): Promise<BranchPickerItem[]> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.items;
    const items = load();
    this.entries.set(key, { at: Date.now(), items });
    items.catch(() => this.entries.delete(key));
    return items;
  }
}
