import { GitHubClientFactory, GitHubRepo } from './GitHubClientFactory';

/** The state of the required check run of one commit. */
export interface BuildCheckState {
  name: string;
  sha: string;
  /** `queued`, `in_progress` or `completed` (`queued` when no run exists yet). */
  status: string;
  conclusion: string | null;
  /** The check run's page, else the commit's checks page. */
  url: string;
}

/** The commit's checks page, the link while no check run exists. */
export function commitChecksUrl(repo: GitHubRepo, sha: string): string {
  return `https://${repo.host}/${repo.fullName}/commit/${sha}/checks`;
}

/**
 * Reads the check runs named `name` of a commit
 * (`GET /repos/{o}/{r}/commits/{sha}/check-runs?check_name=…`). Any
 * successful run counts (re-runs); else a run still going means pending;
 * else the newest conclusion. Throws on API errors.
 */
export async function readBuildCheck(
  clients: GitHubClientFactory,
  repo: GitHubRepo,
  sha: string,
  name: string,
): Promise<BuildCheckState> {
  const octokit = await clients.forRepo(repo);
  const { data } = await octokit.checks.listForRef({
    owner: repo.owner,
    repo: repo.name,
    ref: sha,
    check_name: name,
    filter: 'latest',
    per_page: 100,
  });
  const runs = (data.check_runs ?? []).filter(r => r.name === name);
  const pick =
    runs.find(r => r.status === 'completed' && r.conclusion === 'success') ??
    runs.find(r => r.status !== 'completed') ??
    runs[0];
  if (!pick)
    return {
      name,
      sha,
      status: 'queued',
      conclusion: null,
      url: commitChecksUrl(repo, sha),
    };
  return {
    name,
    sha,
    status: pick.status,
    conclusion: pick.status === 'completed' ? pick.conclusion ?? null : null,
    url: pick.html_url ?? commitChecksUrl(repo, sha),
  };
}

/** Whether a check state lets a preview deploy now. */
export const checkSucceeded = (state: BuildCheckState) =>
  state.status === 'completed' && state.conclusion === 'success';
