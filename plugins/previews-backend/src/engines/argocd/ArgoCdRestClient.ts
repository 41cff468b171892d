/** How to reach Argo CD's REST API (optional; the engine works without it). */
export interface ArgoCdRestOptions {
  /** Base URL of the Argo CD server, e.g. `https://argocd.example.com`. */
  url: string;
  /** A long-lived API token; or `username` and `password` to log in for one. */
  token?: string;
  username?: string;
  password?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

/** An answer of the REST API that was not a success. */
export class ArgoCdRestError extends Error {
  readonly name = 'ArgoCdRestError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/**
 * The few calls the engine makes to Argo CD's REST API: a session token
 * (`POST /api/v1/session`, again after a 401) and a sync request.
 */
export class ArgoCdRestClient {
  private readonly baseUrl: string;
  private sessionToken?: string;

  constructor(private readonly options: ArgoCdRestOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    if (!options.token && !(options.username && options.password)) {
      throw new Error(
        'previews.argocd needs token, or username and password, next to url',
      );
    }
  }

  /** Link to an Application in the Argo CD UI. */
  applicationUrl(namespace: string, name: string): string {
    return `${this.baseUrl}/applications/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(name)}`;
  }

  /** Asks Argo CD to sync an Application now (at its target revision). */
  async sync(name: string, appNamespace: string): Promise<void> {
    await this.authorized(
      'POST',
      `/api/v1/applications/${encodeURIComponent(name)}/sync`,
      {
        name,
        appNamespace,
        prune: true,
      },
    );
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    token?: string,
  ): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const reason =
        (e as Error).name === 'TimeoutError'
          ? 'timed out'
          : (e as Error).message;
      throw new ArgoCdRestError(`${method} ${path} ${reason}`);
    }
  }

  private async login(): Promise<string> {
    const res = await this.send('POST', '/api/v1/session', {
      username: this.options.username,
      password: this.options.password,
    });
    if (!res.ok)
      throw new ArgoCdRestError(`login failed: ${res.status}`, res.status);
    const token = ((await res.json()) as { token?: string }).token;
    if (!token) throw new ArgoCdRestError('login answered without a token');
    this.sessionToken = token;
    return token;
  }

  private async token(): Promise<string> {
    return this.options.token ?? this.sessionToken ?? (await this.login());
  }

  private async authorized(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    let res = await this.send(method, path, body, await this.token());
    if (res.status === 401 && !this.options.token) {
      // The session expired: log in again, once.
      this.sessionToken = undefined;
      res = await this.send(method, path, body, await this.login());
    }
    if (!res.ok) throw new ArgoCdRestError(`${res.status}`, res.status);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }
}
