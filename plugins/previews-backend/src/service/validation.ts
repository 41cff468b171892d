import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/** Git allows long ref names, but nothing sensible is longer than this. */
export const MAX_BRANCH_LENGTH = 255;

/**
 * Checks a branch name against git's ref-name rules (check-ref-format) and
 * returns it unchanged, or throws an InputError that says what is wrong.
 */
export function validateBranch(value: unknown): string {
  if (typeof value !== 'string') {
    throw new InputError('branch must be a string');
  }
  const branch = value;
  const problem = branchProblem(branch);
  if (problem) {
    throw new InputError(
      `Invalid branch ${JSON.stringify(branch.slice(0, 80))}: ${problem}`,
    );
  }
  return branch;
}

function branchProblem(branch: string): string | undefined {
  if (branch.trim() === '') return 'the branch name is empty';
  if (branch.length > MAX_BRANCH_LENGTH)
    return `it is longer than ${MAX_BRANCH_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(branch))
    return 'it contains spaces or control characters';
  if (/[~^:?*[\\]/.test(branch)) return 'it contains one of ~ ^ : ? * [ \\';
  if (/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(branch))
    return 'it contains bidirectional text control characters';
  if (branch.includes('..')) return 'it contains ".."';
  if (branch.includes('@{')) return 'it contains "@{"';
  if (branch === '@') return 'it is "@"';
  if (branch.includes('//')) return 'it contains "//"';
  if (branch.startsWith('/') || branch.endsWith('/'))
    return 'it starts or ends with "/"';
  if (branch.startsWith('-')) return 'it starts with "-"';
  if (branch.endsWith('.')) return 'it ends with "."';
  if (
    branch
      .split('/')
      .some(part => part.startsWith('.') || part.endsWith('.lock'))
  )
    return 'a part starts with "." or ends with ".lock"';
  return undefined;
}

/**
 * Parses a component entity ref (`component:default/name`, or `name` /
 * `default/name` with kind component) into its canonical string form.
 */
export function validateComponentRef(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(
      'entityRef must be a non-empty string such as component:default/my-service',
    );
  }
  let ref;
  try {
    ref = parseEntityRef(value, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (e) {
    throw new InputError(
      `Invalid entityRef ${JSON.stringify(value.slice(0, 200))}: ${
        (e as Error).message
      }`,
    );
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'component') {
    throw new InputError(
      `Previews exist for components only, not for kind ${JSON.stringify(
        ref.kind,
      )}`,
    );
  }
  const valid = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
  if (!valid.test(ref.namespace) || !valid.test(ref.name)) {
    throw new InputError(
      `Invalid entityRef ${JSON.stringify(
        value.slice(0, 200),
      )}: namespace and name must be 1–63 characters of letters, digits, '.', '_' or '-'`,
    );
  }
  return stringifyEntityRef({
    kind: 'component',
    namespace: ref.namespace,
    name: ref.name,
  });
}

/** The entity ref of a dependency in a path (any kind; `component:default/` by default), normalized. */
export function validateDependencyRef(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 300) {
    throw new InputError(
      'the dependency must be an entity ref such as component:default/orders',
    );
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch (e) {
    throw new InputError(
      `Invalid dependency ${JSON.stringify(value.slice(0, 200))}: ${
        (e as Error).message
      }`,
    );
  }
}

/** A git commit id: 7 to 64 hex characters (SHA-1 or SHA-256). */
export function validateSha(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{7,64}$/.test(value)) {
    throw new InputError(
      'sha must be a commit id of 7 to 64 lowercase hex characters',
    );
  }
  return value;
}

/** Events per page of a preview's history: default and most. */
export const EVENTS_PAGE_DEFAULT = 200;
export const EVENTS_PAGE_MAX = 1000;

/** A whole number from a query parameter (a text, or the number the validator made of it), or NaN. */
function wholeNumber(value: unknown): number {
  const number =
    typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : NaN;
}

/** `limit` and `cursor` of `GET /previews/:id/events`. */
export function eventsPage(query: Record<string, unknown>): {
  limit: number;
  after?: number;
} {
  const { limit, cursor } = query;
  const size = limit === undefined ? EVENTS_PAGE_DEFAULT : wholeNumber(limit);
  if (!(size >= 1 && size <= EVENTS_PAGE_MAX)) {
    throw new InputError(
      `limit must be a whole number from 1 to ${EVENTS_PAGE_MAX}`,
    );
  }
  if (cursor === undefined) return { limit: size };
  if (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor)) {
    throw new InputError('cursor must be the nextCursor of the previous page');
  }
  return { limit: size, after: Number(cursor) };
}

/*
 * The words for query and body fields whose shape the OpenAPI spec checks
 * (`schema/openapi.yaml`): the router's refusals (`refusals.ts`) say why with
 * these. Each accepts what the spec accepts, numbers coerced from the query
 * included, and throws the InputError the API has always answered with.
 */

/** A query parameter given once (a text, not a list); `required`: given at all. */
export function queryOnce(
  name: string,
  value: unknown,
  required = false,
): string | undefined {
  if ((required || value !== undefined) && typeof value !== 'string')
    throw new InputError(`${name} must be given once`);
  return value as string | undefined;
}

/** `pullRequest` of a create: the number of a pull request. */
export function validatePullRequestNumber(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > 1e9
  ) {
    throw new InputError('pullRequest must be the number of a pull request');
  }
  return value;
}

/** The branch picker's search text. */
export function validateSearchText(value: unknown): string | undefined {
  if (
    value !== undefined &&
    (typeof value !== 'string' || value.length > 200)
  ) {
    throw new InputError('q must be one text of at most 200 characters');
  }
  return value;
}

/** The branch picker's page, from 1. */
export function validatePickerPage(value: unknown): number {
  const page = value === undefined ? 1 : wholeNumber(value);
  if (!(page >= 1 && page <= 1000))
    throw new InputError('page must be a whole number from 1 to 1000');
  return page;
}

/** The orphan report's minimum age, in minutes (at most a year). */
export function validateMinAgeMinutes(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const minutes = wholeNumber(value);
  if (!(minutes >= 0 && minutes <= 525600)) {
    throw new InputError(
      'minAgeMinutes must be a whole number of minutes from 0 to 525600',
    );
  }
  return minutes;
}
