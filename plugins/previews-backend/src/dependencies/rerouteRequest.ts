import { InputError } from '@backstage/errors';
import { RerouteDependencyRequest } from '@backstage-previews/plugin-previews-common';

/** Checks the body of `PUT /previews/:id/dependencies/:dependencyRef` (fields already limited to the known ones). */
export function validateRerouteRequest(
  body: Record<string, unknown>,
): RerouteDependencyRequest {
  const { target, previewId } = body;
  if (target !== 'staging' && target !== 'preview') {
    throw new InputError('target must be "staging" or "preview"');
  }
  if (target === 'staging') {
    if (previewId !== undefined)
      throw new InputError(
        'previewId must not be given when target is "staging"',
      );
    return { target };
  }
  if (
    typeof previewId !== 'string' ||
    previewId === '' ||
    previewId.length > 64
  ) {
    throw new InputError(
      'previewId (the id of a preview of the dependency) is required when target is "preview"',
    );
  }
  return { target, previewId };
}
