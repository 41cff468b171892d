import express from 'express';
import { InputError, isError } from '@backstage/errors';
import { spec } from '../schema/openapi.generated';
import { bulkDestroyIds } from '../events/bulkDestroy';
import { validateRerouteRequest } from '../dependencies/rerouteRequest';
import { LifecyclePolicy, validateExtendHours } from '../lifecycle/expiry';
import {
  eventsPage,
  queryOnce,
  validateBranch,
  validateComponentRef,
  validateMinAgeMinutes,
  validatePickerPage,
  validatePullRequestNumber,
  validateSearchText,
  validateSha,
} from './validation';

/*
 * The OpenAPI validator refuses bad input before a route runs, in its own
 * words ("request/body must NOT have additional properties"). The API has
 * always said why in words of its own, which callers and tests rely on:
 * `explainRefusal` finds them by making the checks the routes made before
 * the spec existed, in the order they made them.
 */

/** What explaining some refusals needs from the router. */
export interface RefusalContext {
  /** The lifecycle policy (the longest extension), when the lifecycle is on. */
  lifecyclePolicy?: LifecyclePolicy;
  /** A reroute's permission checks, which come before its body. */
  authorizeReroute(req: express.Request): Promise<unknown>;
  /** Throws unless the path names a dependency of the preview: a reroute says so before what is wrong with its body. */
  rerouteDependencyExists(req: express.Request): Promise<void>;
}

type Schema = { $ref?: string; properties?: Record<string, unknown> };
type RequestBody = {
  $ref?: string;
  required?: boolean;
  content?: { 'application/json'?: { schema?: Schema } };
};

function resolved<T extends { $ref?: string }>(value: T): T {
  if (!value.$ref) return value;
  const [, , kind, name] = value.$ref.split('/');
  return (spec.components as unknown as Record<string, Record<string, T>>)[
    kind
  ][name];
}

/** The fields of each operation's JSON body, and whether the body is required. */
const BODIES: ReadonlyMap<string, { fields: string[]; required: boolean }> =
  new Map(
    Object.values(
      spec.paths as unknown as Record<
        string,
        Record<string, { operationId?: string; requestBody?: RequestBody }>
      >,
    )
      .flatMap(item => Object.values(item))
      .filter(op => op.operationId && op.requestBody)
      .map(op => {
        const body = resolved(op.requestBody!);
        const schema = resolved(
          body.content?.['application/json']?.schema ?? {},
        );
        return [
          op.operationId!,
          {
            fields: Object.keys(schema.properties ?? {}),
            required: body.required === true,
          },
        ];
      }),
  );

/** The JSON object body of an operation, refused as the routes always did: not JSON, not an object, unknown fields. */
function jsonBody(
  operationId: string,
  req: express.Request,
): Record<string, unknown> {
  const { fields, required } = BODIES.get(operationId) ?? {
    fields: [],
    required: false,
  };
  const body = req.body;
  const empty =
    body === undefined ||
    (typeof body === 'object' && body !== null && !Object.keys(body).length);
  if (!required && empty && !req.headers['content-length']) return {};
  if (!req.is('application/json')) {
    throw new InputError(
      'Send the request body as JSON (Content-Type: application/json)',
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const withFields = fields.length
      ? ` with the fields ${fields.join(', ')}`
      : '';
    throw new InputError(`The request body must be a JSON object${withFields}`);
  }
  const unknown = Object.keys(body).filter(k => !fields.includes(k));
  if (unknown.length) {
    throw new InputError(
      `Unknown fields in the request body: ${unknown.slice(0, 5).join(', ')}`,
    );
  }
  return body;
}

/**
 * The error middleware after the validator: a refusal (an InputError of a
 * known operation) leaves with the words of `explainRefusal` when it has
 * any; every other error passes unchanged.
 */
export function explainRefusals(
  context: RefusalContext,
): express.ErrorRequestHandler {
  return async (error, req, _res, next) => {
    const { openapi } = req as {
      openapi?: {
        schema?: { operationId?: string };
        pathParams?: Record<string, string>;
      };
    };
    const operationId = openapi?.schema?.operationId;
    try {
      if (operationId && isError(error) && error.name === 'InputError') {
        // The path parameters the validator matched (a middleware's own req.params are empty).
        req.params = openapi?.pathParams ?? {};
        await explainRefusal(operationId, req, context);
      }
      next(error);
    } catch (explained) {
      next(explained);
    }
  };
}

/**
 * Throws the InputError that says why the spec refused `req` (the request
 * of operation `operationId`); returns when no check of the routes' own
 * applies, and the validator's message stands.
 */
export async function explainRefusal(
  operationId: string,
  req: express.Request,
  context: RefusalContext,
): Promise<void> {
  const query = req.query as Record<string, unknown>;
  if (operationId === 'rerouteDependency') await context.authorizeReroute(req);
  const body = BODIES.has(operationId) ? jsonBody(operationId, req) : {};
  switch (operationId) {
    case 'listPreviews': {
      const entityRef = queryOnce('entityRef', query.entityRef);
      if (entityRef !== undefined) validateComponentRef(entityRef);
      return;
    }
    case 'listBranches':
      validateComponentRef(queryOnce('entityRef', query.entityRef, true));
      validateSearchText(query.q);
      validatePickerPage(query.page);
      return;
    case 'listOrphans':
      validateMinAgeMinutes(query.minAgeMinutes);
      return;
    case 'listPreviewEvents':
      eventsPage(query);
      return;
    case 'createPreview':
      validateComponentRef(body.entityRef);
      if (body.pullRequest !== undefined) {
        validatePullRequestNumber(body.pullRequest);
        return;
      }
      validateBranch(body.branch);
      if (body.sha !== undefined) validateSha(body.sha);
      return;
    case 'redeployPreview':
      if (body.sha !== undefined) validateSha(body.sha);
      return;
    case 'extendPreview':
      if (context.lifecyclePolicy)
        validateExtendHours(body.hours, context.lifecyclePolicy);
      return;
    case 'keepPreview':
      if (typeof body.keep !== 'boolean')
        throw new InputError('keep must be true or false');
      return;
    case 'bulkDestroyPreviews':
      bulkDestroyIds(body.ids);
      return;
    case 'rerouteDependency':
      await context.rerouteDependencyExists(req);
      validateRerouteRequest(body);
      return;
    default:
      return;
  }
}
