import { InputError } from '@backstage/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Most previews one bulk destroy may name. */
export const MAX_BULK_DESTROY = 100;

/** The ids of a bulk destroy, checked before anything is destroyed: 1 to 100 distinct preview ids. */
export function bulkDestroyIds(ids: unknown): string[] {
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.length > MAX_BULK_DESTROY
  ) {
    throw new InputError(
      `ids must be a list of 1 to ${MAX_BULK_DESTROY} preview ids`,
    );
  }
  const bad = ids.findIndex(id => typeof id !== 'string' || !UUID.test(id));
  if (bad >= 0) {
    throw new InputError(
      `ids[${bad}] is not a preview id: ${JSON.stringify(ids[bad])?.slice(
        0,
        80,
      )}`,
    );
  }
  return [...new Set(ids as string[])];
}
