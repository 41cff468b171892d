import type { PullRequestLabels } from '../../lifecycle/Reaper';
import { GitHubClientFactory, parseSlug } from './GitHubClientFactory';

/** The reaper's GitHub calls: current labels of a pull request, removing the preview label with a comment. */
export function pullRequestLabels(
  clients: GitHubClientFactory,
  label: string,
): PullRequestLabels {
  const repoOf = (fullName: string) => {
    const repo = parseSlug(fullName, clients.defaultHost);
    if (!repo) throw new Error(`${fullName} is not a GitHub repository`);
    return repo;
  };
  return {
    label,
    async labelsOf(fullName, number) {
      const repo = repoOf(fullName);
      const octokit = await clients.forRepo(repo);
      const { data } = await octokit.pulls.get({
        owner: repo.owner,
        repo: repo.name,
        pull_number: number,
      });
      return (data.labels ?? []).map(l =>
        typeof l === 'string' ? l : String(l.name ?? ''),
      );
    },
    async removeLabel(fullName, number, comment) {
      const repo = repoOf(fullName);
      const octokit = await clients.forRepo(repo);
      try {
        await octokit.issues.removeLabel({
          owner: repo.owner,
          repo: repo.name,
          issue_number: number,
          name: label,
        });
      } catch (e) {
        // Already gone: nothing to remove, still say why the preview went away.
        if ((e as { status?: number }).status !== 404) throw e;
      }
      await octokit.issues.createComment({
        owner: repo.owner,
        repo: repo.name,
        issue_number: number,
        body: comment,
      });
    },
  };
}
