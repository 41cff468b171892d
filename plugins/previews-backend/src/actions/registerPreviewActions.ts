import type {
  AuditorService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  Preview,
  previewCreatePermission,
  previewDeletePermission,
  previewReadPermission,
  previewUpdatePermission,
} from '@backstage-previews/plugin-previews-common';
import { actorOf } from '../events/PreviewHistory';
import type { PreviewEventStore } from '../events/PreviewEventStore';
import type { PreviewAuthorizer } from '../permissions/PreviewAuthorizer';

/** What the actions do, as the REST API does it (the same use cases, the same checks). */
export interface PreviewActionsTarget {
  list(entityRef: unknown, includeDestroyed?: boolean): Promise<Preview[]>;
  get(id: string): Promise<Preview>;
  create(request: {
    entityRef: string;
    branch: string;
    sha?: string;
    credentials: BackstageCredentials;
    createdBy?: string;
    trigger: 'portal';
  }): Promise<Preview>;
  redeploy(
    id: string,
    request: { sha?: unknown; credentials: BackstageCredentials },
  ): Promise<Preview>;
  destroy(id: string): Promise<Preview>;
  validateComponentRef(ref: unknown): string;
}

export interface PreviewActionsOptions {
  actionsRegistry: ActionsRegistryService;
  previews: PreviewActionsTarget;
  /** Extend and keep; without the lifecycle those two actions are not registered. */
  lifecycle?: {
    extend(id: string, hours: unknown): Promise<Preview>;
    keep(id: string, keep: unknown): Promise<Preview>;
  };
  authorizer: PreviewAuthorizer;
  userInfo: UserInfoService;
  auditor?: AuditorService;
  /** The previews' history: a change made by an action is recorded like one made through the API. */
  history?: Pick<PreviewEventStore, 'record'>;
}

/**
 * Registers the previews actions with the actions registry, for software
 * templates, MCP clients and AI agents: list, get, create, redeploy,
 * extend, keep and destroy. Each runs under the caller's credentials with
 * the REST API's permission checks, and a change is audited and recorded
 * in the preview's history as the REST API does it.
 */
export function registerPreviewActions(options: PreviewActionsOptions) {
  const { actionsRegistry: registry, previews, authorizer } = options;
  const readable = async (
    credentials: BackstageCredentials,
    id: string,
    permission = previewReadPermission,
  ) => {
    const preview = await previews.get(id);
    await authorizer.authorizeEntity(
      credentials,
      permission,
      preview.entityRef,
    );
    return preview;
  };

  /** Runs a change as the REST API's audit and history middlewares see one. */
  async function change(
    eventId: string,
    credentials: BackstageCredentials,
    severity: 'medium' | 'high',
    run: () => Promise<Preview>,
  ) {
    const actor = actorOf(credentials);
    const event = await options.auditor?.createEvent({
      eventId,
      severityLevel: severity,
      meta: { actor, via: 'actions-registry' },
    });
    try {
      const preview = await run();
      await event?.success({ meta: { previewId: preview.id } });
      await options.history
        ?.record(preview.id, {
          type: eventId,
          actor,
          message: `${eventId.replace(/^preview-/, '')} (action)`,
        })
        .catch(() => undefined);
      return { output: { preview } };
    } catch (e) {
      await event?.fail({ error: e as Error });
      throw e;
    }
  }

  const previewOutput = (z: any) =>
    z.object({
      preview: z
        .object({
          id: z.string(),
          name: z.string(),
          entityRef: z.string(),
          branch: z.string(),
          status: z.string(),
          url: z.string().optional().describe('Where the preview answers'),
          expiresAt: z.string().optional(),
        })
        .passthrough(),
    });
  const id = (z: any) => z.string().uuid().describe('The preview id');

  registry.register({
    name: 'list-previews',
    title: 'List previews',
    description:
      'Lists the live previews (or all, with includeDestroyed) of a component, or of every component the caller may read.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .optional()
            .describe('A component ref, e.g. component:default/shop'),
          includeDestroyed: z.boolean().optional(),
        }),
      output: z => z.object({ items: z.array(previewOutput(z).shape.preview) }),
    },
    action: async ({ input, credentials }) => {
      const entityRef =
        input.entityRef === undefined
          ? undefined
          : previews.validateComponentRef(input.entityRef);
      const items = await authorizer.filter(
        credentials,
        previewReadPermission,
        await previews.list(entityRef, input.includeDestroyed === true),
      );
      return { output: { items } };
    },
  });

  registry.register({
    name: 'get-preview',
    title: 'Get a preview',
    description:
      'A preview by its id: status, URL, expiry, dependencies, seed and smoke test status, timeline.',
    attributes: { readOnly: true, idempotent: true },
    schema: { input: z => z.object({ id: id(z) }), output: previewOutput },
    action: async ({ input, credentials }) => ({
      output: { preview: await readable(credentials, input.id) },
    }),
  });

  registry.register({
    name: 'create-preview',
    title: 'Create a preview',
    description:
      "Creates a preview environment of a component's branch (at its head, or at the given commit). Its URL answers once it is ready.",
    attributes: { destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('A component ref, e.g. component:default/shop'),
          branch: z.string().min(1),
          sha: z
            .string()
            .optional()
            .describe('A full commit SHA of the branch'),
        }),
      output: previewOutput,
    },
    action: async ({ input, credentials }) => {
      const entityRef = previews.validateComponentRef(input.entityRef);
      await authorizer.authorizeEntity(
        credentials,
        previewCreatePermission,
        entityRef,
      );
      const createdBy = actorOf(credentials).startsWith('user:')
        ? (await options.userInfo.getUserInfo(credentials)).userEntityRef
        : undefined;
      return change('preview-create', credentials, 'medium', () =>
        previews.create({
          entityRef,
          branch: input.branch,
          ...(input.sha ? { sha: input.sha } : {}),
          credentials,
          createdBy,
          trigger: 'portal',
        }),
      );
    },
  });

  registry.register({
    name: 'redeploy-preview',
    title: 'Redeploy a preview',
    description:
      'Applies the preview again from its spec at the branch head (or the given commit).',
    attributes: { destructive: false },
    schema: {
      input: z => z.object({ id: id(z), sha: z.string().optional() }),
      output: previewOutput,
    },
    action: async ({ input, credentials }) => {
      await readable(credentials, input.id, previewUpdatePermission);
      return change('preview-redeploy', credentials, 'medium', () =>
        previews.redeploy(input.id, { sha: input.sha, credentials }),
      );
    },
  });

  const lifecycle = options.lifecycle;
  if (lifecycle) {
    registry.register({
      name: 'extend-preview',
      title: 'Extend a preview',
      description:
        'Moves the expiry of a preview later by whole hours, up to its maximum lifetime.',
      attributes: { destructive: false },
      schema: {
        input: z => z.object({ id: id(z), hours: z.number().int().min(1) }),
        output: previewOutput,
      },
      action: async ({ input, credentials }) => {
        await readable(credentials, input.id, previewUpdatePermission);
        return change('preview-extend', credentials, 'medium', () =>
          lifecycle.extend(input.id, input.hours),
        );
      },
    });
    registry.register({
      name: 'keep-preview',
      title: 'Keep a preview',
      description:
        'Keeps a preview from expiring or sleeping (keep: true), or lets it expire again (keep: false).',
      attributes: { destructive: false, idempotent: true },
      schema: {
        input: z => z.object({ id: id(z), keep: z.boolean() }),
        output: previewOutput,
      },
      action: async ({ input, credentials }) => {
        await readable(credentials, input.id, previewUpdatePermission);
        return change('preview-keep', credentials, 'medium', () =>
          lifecycle.keep(input.id, input.keep),
        );
      },
    });
  }

  registry.register({
    name: 'destroy-preview',
    title: 'Destroy a preview',
    description:
      'Destroys a preview environment and everything in it, its database included. It cannot be undone.',
    attributes: { destructive: true, idempotent: true },
    schema: { input: z => z.object({ id: id(z) }), output: previewOutput },
    action: async ({ input, credentials }) => {
      await readable(credentials, input.id, previewDeletePermission);
      return change('preview-destroy', credentials, 'high', () =>
        previews.destroy(input.id),
      );
    },
  });
}
