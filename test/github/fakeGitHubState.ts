// What the fake GitHub (fakeGitHub.ts) holds per repository: its pull
// requests, comments, deployments and check runs, in the fields its tests set
// and read. githubRestObjects.ts turns them into GitHub's REST shapes.

export interface FakePullRequest {
  number: number;
  title: string;
  state: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  head: { ref: string; sha: string; repoFullName?: string };
  /** `sha`: the base branch's head (a made-up one when not given). */
  base: { ref: string; sha?: string };
  labels: string[];
  user?: { login: string; avatar_url?: string };
  files?: string[];
  /** Set when it is added (the first `updated_at`). */
  created_at?: string;
  updated_at: string;
}

export interface FakeDeploymentStatus {
  id?: number;
  state: string;
  environment_url?: string;
  description?: string;
  log_url?: string;
  created_at?: string;
}

export interface FakeDeployment {
  id: number;
  ref: string;
  /** The commit `ref` names, as GitHub resolves it. */
  sha?: string;
  task?: string;
  description?: string | null;
  environment: string;
  transient_environment: boolean;
  production_environment: boolean;
  auto_merge: boolean;
  required_contexts: string[];
  created_at?: string;
  statuses: FakeDeploymentStatus[];
}

/** A GitHub user as issue comments and `GET /user` show it (`simple-user`, in part). */
export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

/** A GitHub App, as `performed_via_github_app` names it (in part). */
export interface FakeApp {
  id: number;
  slug: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  /** The GitHub App that posted it (installation tokens), else null. */
  performed_via_github_app: FakeApp | null;
  /** How the author relates to the repository (default: MEMBER for the fake's own user, else NONE). */
  author_association?: string;
  created_at?: string;
  updated_at?: string;
}

export interface FakeCheckRun {
  id?: number;
  sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string;
  /** The repository it is in (`owner/name`), set when it is added. */
  repoFullName?: string;
  /** Set by whoever created it through the API. */
  external_id?: string;
  details_url?: string;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string };
}
