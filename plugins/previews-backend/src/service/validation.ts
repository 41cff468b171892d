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
    throw new InputError(`Invalid branch ${JSON.stringify(branch.slice(0, 80))}: ${problem}`);
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
  if (/[~^:?*[\\]/.test(branch))
    return 'it contains one of ~ ^ : ? * [ \\';
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
  if (branch.split('/').some(part => part.startsWith('.') || part.endsWith('.lock')))
    return 'a part starts with "." or ends with ".lock"';
  return undefined;
}

/**
 * Parses a component entity ref (`component:default/name`, or `name` /
 * `default/name` with kind component) into its canonical string form.
 */
export function validateComponentRef(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError('entityRef must be a non-empty string such as component:default/my-service');
  }
  let ref;
  try {
    ref = parseEntityRef(value, { defaultKind: 'component', defaultNamespace: 'default' });
  } catch (e) {
    throw new InputError(`Invalid entityRef ${JSON.stringify(value.slice(0, 200))}: ${(e as Error).message}`);
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'component') {
    throw new InputError(`Previews exist for components only, not for kind ${JSON.stringify(ref.kind)}`);
  }
  const valid = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
  if (!valid.test(ref.namespace) || !valid.test(ref.name)) {
    throw new InputError(`Invalid entityRef ${JSON.stringify(value.slice(0, 200))}: namespace and name must be 1–63 characters of letters, digits, '.', '_' or '-'`);
  }
  return stringifyEntityRef({ kind: 'component', namespace: ref.namespace, name: ref.name });
}

/** The entity ref of a dependency in a path (any kind; `component:default/` by default), normalized. */
export function validateDependencyRef(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 300) {
    throw new InputError('the dependency must be an entity ref such as component:default/orders');
  }
  try {
    return stringifyEntityRef(parseEntityRef(value, { defaultKind: 'component', defaultNamespace: 'default' }));
  } catch (e) {
    throw new InputError(`Invalid dependency ${JSON.stringify(value.slice(0, 200))}: ${(e as Error).message}`);
  }
}

/** A git commit id: 7 to 64 hex characters (SHA-1 or SHA-256). */
export function validateSha(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{7,64}$/.test(value)) {
    throw new InputError('sha must be a commit id of 7 to 64 lowercase hex characters');
  }
  return value;
}

/** Events per page of a preview's history: default and most. */
export const EVENTS_PAGE_DEFAULT = 200;
export const EVENTS_PAGE_MAX = 1000;

/** `limit` and `cursor` of `GET /previews/:id/events`. */
export function eventsPage(query: Record<string, unknown>): { limit: number; after?: number } {
  const { limit, cursor } = query;
  let size = EVENTS_PAGE_DEFAULT;
  if (limit !== undefined) {
    size = Number(limit);
    if (typeof limit !== 'string' || !/^\d+$/.test(limit) || size < 1 || size > EVENTS_PAGE_MAX) {
      throw new InputError(`limit must be a whole number from 1 to ${EVENTS_PAGE_MAX}`);
    }
  }
  if (cursor === undefined) return { limit: size };
  if (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor)) {
    throw new InputError('cursor must be the nextCursor of the previous page');
  }
  return { limit: size, after: Number(cursor) };
}
