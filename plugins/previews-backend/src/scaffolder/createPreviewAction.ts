import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { Preview } from '@backstage-previews/plugin-previews-common';

/** How often the action looks at a preview it waits for. */
const POLL_MS = 2000;
const DEFAULT_TIMEOUT_SECONDS = 600;

/** The backend's error message of a refused request (Backstage's error body), else the status. */
async function refusal(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { message?: string } }
    | undefined;
  return body?.error?.message ?? `${res.status} ${res.statusText}`;
}

/**
 * The `previews:create` action of software templates: opens a preview of a
 * component's branch through the previews API, on behalf of the user who
 * runs the template (so the same permissions apply), and by default waits
 * until it is ready. Its outputs are the preview's id, name, status and URL.
 */
export function createPreviewAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  pollMs?: number;
}) {
  return createTemplateAction({
    id: 'previews:create',
    description:
      "Creates a preview environment of a component's branch and outputs its URL.",
    examples: [
      {
        description: 'A preview of the new branch, once ready',
        example: [
          'steps:',
          '  - id: preview',
          '    action: previews:create',
          '    input:',
          '      entityRef: component:default/shop',
          '      branch: ${{ parameters.branch }}',
          'output:',
          '  links:',
          '    - title: Preview',
          '      url: ${{ steps.preview.output.url }}',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        entityRef: z =>
          z.string().describe('The component, e.g. component:default/shop'),
        branch: z => z.string().min(1).describe('The branch to preview'),
        sha: z =>
          z
            .string()
            .optional()
            .describe('A full commit SHA of the branch (its head by default)'),
        waitForReady: z =>
          z
            .boolean()
            .optional()
            .describe('Wait until the preview is ready (default true)'),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(10)
            .max(3600)
            .optional()
            .describe('How long to wait (default 600)'),
      },
      output: {
        id: z => z.string(),
        name: z => z.string(),
        status: z => z.string(),
        url: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const {
        entityRef,
        branch,
        sha,
        waitForReady = true,
        timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
      } = ctx.input;
      const baseUrl = await options.discovery.getBaseUrl('previews');
      const headers = async () => {
        const { token } = await options.auth.getPluginRequestToken({
          onBehalfOf: await ctx.getInitiatorCredentials(),
          targetPluginId: 'previews',
        });
        return {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        };
      };
      // Once per task: a task resumed after a restart finds the preview it created.
      const id = await ctx.checkpoint({
        key: `previews-create-${entityRef}-${branch}`,
        fn: async () => {
          const res = await fetch(`${baseUrl}/previews`, {
            method: 'POST',
            headers: await headers(),
            body: JSON.stringify({
              entityRef,
              branch,
              ...(sha ? { sha } : {}),
            }),
          });
          if (!res.ok)
            throw new Error(
              `Creating a preview of ${entityRef} ${branch} failed: ${await refusal(
                res,
              )}`,
            );
          const created = (await res.json()) as Preview;
          ctx.logger.info(
            `Created preview ${created.name} (${created.status})`,
          );
          return created.id;
        },
      });

      const deadline = Date.now() + timeoutSeconds * 1000;
      let preview: Preview;
      for (;;) {
        const res = await fetch(
          `${baseUrl}/previews/${encodeURIComponent(id)}`,
          { headers: await headers() },
        );
        if (!res.ok)
          throw new Error(
            `Reading preview ${id} failed: ${await refusal(res)}`,
          );
        preview = (await res.json()) as Preview;
        if (!waitForReady || preview.status === 'ready') break;
        if (['failed', 'destroying', 'destroyed'].includes(preview.status)) {
          throw new Error(
            `Preview ${preview.name} is ${preview.status}${
              preview.statusMessage ? `: ${preview.statusMessage}` : ''
            }`,
          );
        }
        if (Date.now() > deadline)
          throw new Error(
            `Preview ${preview.name} was not ready within ${timeoutSeconds} s (${preview.status})`,
          );
        await new Promise(resolve =>
          setTimeout(resolve, options.pollMs ?? POLL_MS),
        );
      }
      ctx.output('id', preview.id);
      ctx.output('name', preview.name);
      ctx.output('status', preview.status);
      if (preview.url) ctx.output('url', preview.url);
    },
  });
}
