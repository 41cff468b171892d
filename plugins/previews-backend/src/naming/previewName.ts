import { createHash } from 'node:crypto';

/** Kubernetes' limit for a DNS-1123 label (namespaces, label values). */
export const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;
const COMPONENT_PART_MAX = 20;

/**
 * Lower-cases and reduces text to `[a-z0-9-]`, collapsing everything else
 * into single dashes, trimmed of dashes at both ends and cut to `max`.
 */
export function slugify(text: string, max: number): string {
  const slug = text
    .normalize('NFKD')
    // drop the combining marks NFKD split off (é → e)
    .replace(/[\u0300-\u036f]/g, '')
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '');
}

/**
 * The name of a preview: `<component>-<branch>-<hash>`, a valid DNS-1123
 * label of at most 63 characters. Readable parts are cut to fit; the hash of
 * the full entity ref and branch keeps names unique (two branches that slug
 * alike still differ) and stable (same input, same name).
 */
export function previewName(entityRef: string, branch: string): string {
  const hash = createHash('sha256')
    .update(`${entityRef}\u0000${branch}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const componentName = entityRef.slice(entityRef.lastIndexOf('/') + 1);
  const component = slugify(componentName, COMPONENT_PART_MAX);
  const budget =
    MAX_NAME_LENGTH - HASH_LENGTH - 1 - (component ? component.length + 1 : 0);
  const branchPart = slugify(branch, budget);
  return [component, branchPart, hash].filter(Boolean).join('-');
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether text is a valid DNS-1123 label (what Kubernetes requires of namespace names). */
export function isDns1123Label(text: string): boolean {
  return text.length <= MAX_NAME_LENGTH && DNS_1123_LABEL.test(text);
}
