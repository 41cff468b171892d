import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  Preview,
  PreviewStatus,
} from '@backstage-previews/plugin-previews-common';
import { readDurationSetting } from '../../config/durationSetting';

/** `previews.jira`. */
export interface JiraOptions {
  /** e.g. `https://acme.atlassian.net` */
  baseUrl: string;
  /** With a token: basic auth `email:token` (Jira Cloud); without: a bearer token (Data Center PAT). */
  email?: string;
  token: string;
  /** Only issue keys of these projects (a branch name may mention any key; links go only where the team expects them). */
  projectKeys: string[];
  timeoutMs: number;
}

export function jiraOptionsFromConfig(
  config?: Config,
): JiraOptions | undefined {
  if (!config) return undefined;
  const projectKeys = config.getOptionalStringArray('projectKeys') ?? [];
  if (!projectKeys.length) {
    throw new Error(
      'Missing config previews.jira.projectKeys: the Jira projects whose issues previews link to (e.g. [SHOP]); a branch or title may name any issue key',
    );
  }
  return {
    baseUrl: config.getString('baseUrl').replace(/\/+$/, ''),
    email: config.getOptionalString('email'),
    token: config.getString('token'),
    projectKeys,
    timeoutMs:
      (readDurationSetting(config, 'requestTimeoutSeconds') ?? 10) * 1000,
  };
}

const ISSUE_KEY = /(?<![A-Za-z0-9])([A-Z][A-Z0-9]+-\d+)(?![A-Za-z0-9])/g;

/** Issue keys (`ABC-123`) of the `projectKeys` projects in the texts, first seen first. */
export function issueKeysOf(
  texts: Array<string | undefined>,
  projectKeys: string[],
): string[] {
  const keys = new Set<string>();
  for (const text of texts) {
    for (const m of (text ?? '').matchAll(ISSUE_KEY)) {
      const key = m[1];
      if (!projectKeys.includes(key.slice(0, key.lastIndexOf('-')))) continue;
      keys.add(key);
    }
  }
  return [...keys];
}

/** The global id of a preview's remote link: Jira updates the link with this id instead of adding one. */
export const globalIdOf = (preview: Pick<Preview, 'id'>) =>
  `backstage-previews:${preview.id}`;

/**
 * Links previews to the Jira issues named in their branch or pull request
 * title: one remote link per issue and preview, added when the preview
 * becomes ready and updated when it is destroyed. Jira errors are logged and
 * change nothing.
 */
export class JiraLinker {
  constructor(
    private readonly options: JiraOptions,
    private readonly logger: LoggerService,
  ) {}

  /** A PreviewService status hook. */
  onStatusChange = async (
    preview: Preview,
    previous: PreviewStatus | undefined,
  ): Promise<void> => {
    const destroyed =
      preview.status === 'destroyed' || preview.status === 'destroying';
    if (preview.status !== 'ready' && !destroyed) return;
    if (destroyed && (previous === 'destroying' || previous === 'destroyed'))
      return;
    // Only previews that were once ready have a link to update.
    if (destroyed && !preview.readyAt) return;
    await this.link(preview);
  };

  /** Adds or updates the remote link of the preview on each issue; never throws. */
  async link(preview: Preview): Promise<string[]> {
    const keys = issueKeysOf(
      [preview.branch, preview.pullRequest?.title],
      this.options.projectKeys,
    );
    const linked: string[] = [];
    for (const key of keys) {
      try {
        await this.post(key, preview);
        linked.push(key);
      } catch (e) {
        this.logger.warn(
          `Linking preview ${preview.name} to Jira issue ${key} failed: ${e}`,
        );
      }
    }
    return linked;
  }

  private async post(key: string, preview: Preview) {
    const destroyed =
      preview.status === 'destroyed' || preview.status === 'destroying';
    const component = preview.entityRef.replace(/^component:(default\/)?/, '');
    const body = {
      globalId: globalIdOf(preview),
      application: { type: 'backstage-previews', name: 'Backstage Previews' },
      relationship: 'preview environment',
      object: {
        url: preview.url ?? preview.pullRequest?.url ?? this.options.baseUrl,
        title: `Preview ${component} (${preview.branch})${
          destroyed ? ' (destroyed)' : ''
        }`,
        summary: `Status: ${destroyed ? 'destroyed' : preview.status}${
          preview.sha ? ` at ${preview.sha.slice(0, 12)}` : ''
        }`,
        status: { resolved: destroyed },
      },
    };
    const auth = this.options.email
      ? `Basic ${Buffer.from(
          `${this.options.email}:${this.options.token}`,
        ).toString('base64')}`
      : `Bearer ${this.options.token}`;
    const res = await fetch(
      `${this.options.baseUrl}/rest/api/2/issue/${encodeURIComponent(
        key,
      )}/remotelink`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: auth,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      },
    );
    if (!res.ok)
      throw new Error(
        `Jira answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
      );
  }
}
