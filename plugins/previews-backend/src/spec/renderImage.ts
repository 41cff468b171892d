import { InputError } from '@backstage/errors';
import { slugify } from '../naming/previewName';

/** Image tags allow `[A-Za-z0-9_.-]`, at most 128 characters. */
const MAX_TAG_LENGTH = 128;
const SHA = /^[0-9a-f]{7,64}$/i;

/** What image templates are filled with. */
export interface ImageContext {
  branch: string;
  /** Head commit of the branch, when known. */
  sha?: string;
  /** Name of the workload, for error messages. */
  workload?: string;
}

/**
 * Fills an image template: `{branch}` becomes the branch's slug, `{sha}` the
 * head commit and `{shortSha}` its first 7 characters. Throws an InputError
 * when the template needs a commit that is not known.
 */
export function renderImage(template: string, context: ImageContext): string {
  const usesSha = /\{(sha|shortSha)\}/.test(template);
  if (usesSha && !(context.sha && SHA.test(context.sha))) {
    const placeholder = /\{sha\}/.test(template) ? '{sha}' : '{shortSha}';
    const what = context.workload
      ? `image of workload ${context.workload}`
      : `image ${template}`;
    throw new InputError(
      context.sha
        ? `${what} uses ${placeholder} but ${JSON.stringify(
            context.sha,
          )} is not a commit SHA`
        : `${what} uses ${placeholder} but the commit SHA of branch ${context.branch} is unknown`,
    );
  }
  const sha = context.sha?.toLowerCase() ?? '';
  return template.replace(/\{(branch|sha|shortSha)\}/g, (_, name: string) => {
    if (name === 'branch')
      return slugify(context.branch, MAX_TAG_LENGTH) || 'unnamed';
    return name === 'sha' ? sha : sha.slice(0, 7);
  });
}
