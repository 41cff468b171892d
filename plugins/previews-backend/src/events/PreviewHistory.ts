import express from 'express';
import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  PreviewStatus,
  PreviewTestRun,
} from '@backstage-previews/plugin-previews-common';
import type { StoredPreview } from '../types';
import { PreviewEventStore } from './PreviewEventStore';
import { describeRequest } from './describeRequest';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Who made a request: the user's entity ref, `service:<subject>`, or `anonymous`. */
export function actorOf(credentials: BackstageCredentials | undefined): string {
  const principal = credentials?.principal as
    | { type?: string; userEntityRef?: string; subject?: string }
    | undefined;
  if (principal?.type === 'user' && principal.userEntityRef)
    return principal.userEntityRef;
  if (principal?.type === 'service' && principal.subject)
    return `service:${principal.subject}`;
  return 'anonymous';
}

/** The previews a mutating request named in its path or answered with. */
export function previewIdsOf(path: string, body: unknown): string[] {
  const fromPath = /^\/previews\/([^/]+)/.exec(path)?.[1];
  if (fromPath && UUID.test(fromPath)) return [fromPath];
  const ids = new Set<string>();
  const add = (v: unknown) => {
    const id = (v as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && UUID.test(id)) ids.add(id);
  };
  add(body);
  const items = (body as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) items.forEach(add);
  return [...ids];
}

/**
 * Writes each preview's history: creation and status changes (the service's
 * status hook) and every mutating request (a router middleware).
 * Recording never fails the work it records: errors are logged.
 */
export class PreviewHistory {
  constructor(
    readonly store: PreviewEventStore,
    private readonly logger: LoggerService,
  ) {}

  /** The service's status hook: `created` without a previous status, else `status`. */
  onStatusChange = async (
    preview: StoredPreview,
    previous: PreviewStatus | undefined,
  ) => {
    const message = preview.statusMessage ? `: ${preview.statusMessage}` : '';
    const event =
      previous === undefined
        ? {
            type: 'created',
            actor: preview.createdBy ?? 'system',
            message: `created for branch ${preview.branch}${
              preview.trigger ? ` (${preview.trigger})` : ''
            }, ${preview.status}${message}`,
          }
        : {
            type: 'status',
            actor: 'system',
            message: `${previous} → ${preview.status}${message}`,
          };
    await this.safely(() => this.store.record(preview.id, event));
  };

  /** A smoke test run started or ended. */
  onTestRun = async (preview: StoredPreview, tests: PreviewTestRun) => {
    const failed = tests.results
      .filter(r => r.status === 'failed')
      .map(r => r.name);
    const message =
      tests.status === 'running'
        ? `smoke tests run ${tests.run} started (${tests.trigger})`
        : `smoke tests run ${tests.run} ${tests.status}${
            failed.length ? `: ${failed.join(', ')}` : ''
          }`;
    await this.safely(() =>
      this.store.record(preview.id, {
        type: `tests-${tests.status}`,
        actor: 'system',
        message,
      }),
    );
  };

  /**
   * Records every authorized request that `eventIdOf` calls mutating, once
   * answered: who (from its credentials), what (see describeRequest), and
   * the outcome (with the status and error message of a failure), on each
   * preview it names or answers with.
   */
  middleware(
    httpAuth: HttpAuthService,
    eventIdOf: (method: string, path: string) => string | undefined,
  ) {
    return (
      req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      const type = eventIdOf(req.method, req.path);
      if (!type) {
        next();
        return;
      }
      const path = req.path;
      let answer: unknown;
      const json = res.json.bind(res);
      res.json = (body?: unknown) => {
        answer = body;
        return json(body);
      };
      res.on('finish', () => {
        // A refused caller writes nothing into a preview's history (the audit log has it).
        if (res.statusCode === 401 || res.statusCode === 403) return;
        void this.safely(async () => {
          const ids = previewIdsOf(path, answer);
          if (!ids.length) return;
          let credentials: BackstageCredentials | undefined;
          try {
            credentials = await httpAuth.credentials(req);
          } catch {
            credentials = undefined;
          }
          const error = (
            answer as { error?: { message?: unknown } } | undefined
          )?.error?.message;
          const message = describeRequest({
            type,
            path,
            body: req.body,
            status: res.statusCode,
            error: typeof error === 'string' ? error : undefined,
          });
          for (const id of ids)
            await this.store.record(id, {
              type,
              actor: actorOf(credentials),
              message,
            });
        });
      });
      next();
    };
  }

  private async safely(fn: () => Promise<void>) {
    try {
      await fn();
    } catch (e) {
      this.logger.warn(`Recording a preview event failed: ${e}`);
    }
  }
}
