import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { Octokit } from '@octokit/rest';

/** The annotation naming a component's GitHub repository, `owner/name`. */
export const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** A GitHub repository on one host. */
export interface GitHubRepo {
  host: string;
  owner: string;
  name: string;
  /** `owner/name` */
  fullName: string;
}

/**
 * Who this backend is on a GitHub host: the user of its token, or the GitHub
 * Apps it is configured with. Only comments by this identity are its own.
 */
export interface GitHubIdentity {
  /** The login of the token's user (`GET /user`). */
  login?: string;
  /** The configured GitHub Apps' ids (an installation token has no user). */
  appIds: number[];
}

/** Thrown instead of calling GitHub while its rate limit (or a Retry-After) is in effect. */
export class GitHubRateLimitedError extends Error {
  constructor(readonly host: string, readonly until: Date) {
    super(
      `GitHub ${host} is rate limited until ${until.toISOString()}; skipping`,
    );
    this.name = 'GitHubRateLimitedError';
  }
}

const SLUG = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** Parses `owner/name`; undefined when it is not one. */
export function parseSlug(
  slug: string | undefined,
  host: string,
): GitHubRepo | undefined {
  const m = slug ? SLUG.exec(slug.trim()) : null;
  if (!m) return undefined;
  return { host, owner: m[1], name: m[2], fullName: `${m[1]}/${m[2]}` };
}

function headerOf(
  headers: Record<string, unknown> | undefined,
  name: string,
): string | undefined {
  const v = headers?.[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** When GitHub says to come back, from the headers of a refused request; undefined when it did not. */
export function rateLimitedUntil(
  status: number,
  headers: Record<string, unknown> | undefined,
  now = Date.now(),
): Date | undefined {
  const retryAfter = headerOf(headers, 'retry-after');
  if (retryAfter && (status === 403 || status === 429)) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds))
      return new Date(now + Math.max(seconds, 1) * 1000);
  }
  if (
    (status === 403 || status === 429) &&
    headerOf(headers, 'x-ratelimit-remaining') === '0'
  ) {
    const reset = Number(headerOf(headers, 'x-ratelimit-reset'));
    return new Date(
      Number.isFinite(reset) && reset * 1000 > now
        ? reset * 1000
        : now + 60_000,
    );
  }
  return undefined;
}

/**
 * Octokit clients per GitHub host, from Backstage's `integrations.github`
 * (a token or a GitHub App, GitHub Enterprise through `apiBaseUrl`). Every
 * client shares one rate-limit gate per host: after a 403/429 that says the
 * limit is spent (or a Retry-After), no request goes out until the reset.
 */
export class GitHubClientFactory {
  private readonly blockedUntil = new Map<string, number>();
  private readonly identities = new Map<string, GitHubIdentity>();

  static fromConfig(
    config: Config,
    options: { defaultHost?: string; timeoutMs?: number } = {},
  ) {
    const integrations = ScmIntegrations.fromConfig(config);
    const configured =
      config.getOptionalConfigArray('integrations.github') ?? [];
    const defaultHost =
      options.defaultHost ??
      configured[0]?.getOptionalString('host') ??
      'github.com';
    return new GitHubClientFactory(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      defaultHost,
      options.timeoutMs ?? 10_000,
    );
  }

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
    readonly defaultHost: string,
    private readonly timeoutMs: number,
  ) {}

  /** The repository of a component: `github.com/project-slug`, on the host of its source location when that is a GitHub integration. */
  repoOf(entity: Entity): GitHubRepo | undefined {
    const annotations = entity.metadata.annotations ?? {};
    let host = this.defaultHost;
    const location = annotations['backstage.io/source-location']?.replace(
      /^url:/,
      '',
    );
    if (location) {
      try {
        const candidate = new URL(location).host;
        if (this.integrations.github.byHost(candidate)) host = candidate;
      } catch {
        // not a URL: keep the default host
      }
    }
    return parseSlug(annotations[GITHUB_PROJECT_SLUG_ANNOTATION], host);
  }

  /** The time until which the host is rate limited, if it is. */
  rateLimited(host: string): Date | undefined {
    const until = this.blockedUntil.get(host);
    return until && until > Date.now() ? new Date(until) : undefined;
  }

  /**
   * Who the backend is on a repository's host, read once per host. A token's
   * user answers `GET /user`; an installation token of a GitHub App is
   * refused there (403), and the app is known by its configured id.
   */
  async identityOf(host: string, octokit: Octokit): Promise<GitHubIdentity> {
    const known = this.identities.get(host);
    if (known) return known;
    const appIds = (
      this.integrations.github.byHost(host)?.config.apps ?? []
    ).map(a => Number(a.appId));
    let login: string | undefined;
    try {
      login = (await octokit.users.getAuthenticated()).data.login;
    } catch (e) {
      const status = (e as { status?: number }).status;
      // Any other failure is not an answer: ask again next time.
      if (status !== 403 && status !== 401) throw e;
    }
    const identity = { login, appIds };
    this.identities.set(host, identity);
    return identity;
  }

  /** An Octokit for a repository, authenticated as the integration says. */
  async forRepo(
    repo: Pick<GitHubRepo, 'host' | 'owner' | 'name'>,
  ): Promise<Octokit> {
    const integration = this.integrations.github.byHost(repo.host);
    if (!integration)
      throw new Error(`No integrations.github entry for host ${repo.host}`);
    const { token } = await this.credentials.getCredentials({
      url: `https://${repo.host}/${repo.owner}/${repo.name}`,
    });
    const octokit = new Octokit({
      auth: token,
      baseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
      userAgent: 'backstage-previews',
      request: { timeout: this.timeoutMs },
    });
    // A request that takes longer than the timeout is aborted (and counts as an error).
    octokit.hook.wrap('request', async (request, options) => {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(
            new Error(`GitHub did not answer within ${this.timeoutMs} ms`),
          );
        }, this.timeoutMs);
      });
      try {
        return await Promise.race([
          request({
            ...options,
            request: { ...options.request, signal: controller.signal },
          }),
          timedOut,
        ]);
      } finally {
        clearTimeout(timer);
      }
    });
    octokit.hook.before('request', () => {
      const until = this.rateLimited(repo.host);
      if (until) throw new GitHubRateLimitedError(repo.host, until);
    });
    octokit.hook.error('request', error => {
      const e = error as {
        status?: number;
        response?: { headers?: Record<string, unknown> };
      };
      const until = e.status
        ? rateLimitedUntil(e.status, e.response?.headers)
        : undefined;
      if (until) this.blockedUntil.set(repo.host, until.getTime());
      throw error;
    });
    return octokit;
  }
}

/** Reads pages of 100 until a short page (at most `maxPages`). */
export async function readAllPages<T>(
  read: (page: number) => Promise<{ data: T[] }>,
  maxPages = 10,
): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { data } = await read(page);
    all.push(...data);
    if (data.length < 100) break;
  }
  return all;
}
