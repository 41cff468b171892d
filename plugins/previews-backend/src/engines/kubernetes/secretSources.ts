import { Config } from '@backstage/config';
import { PreviewSecretSpec } from '@backstage-previews/plugin-previews-common';

/**
 * Where previews may copy Secrets from (`previews.kubernetes.secretSources`).
 * The platform team names them; the catalog's spec picks among them; a repo
 * file at a PR head may not name secrets at all (repoSpecTrust.ts). Without
 * an entry, nothing may be copied.
 */
export interface SecretSource {
  /** The source namespace, exactly. */
  namespace: string;
  /** Secret names in it, each exact or a `*` pattern (`stripe-*`). Default: every name. */
  names: string[];
  /** Only these components may copy from it (entity refs); default: any previews-enabled component. */
  components?: string[];
}

/** Whether a `*` pattern matches the whole name. */
function matches(pattern: string, name: string): boolean {
  const parts = pattern
    .split('*')
    .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(name);
}

/**
 * One sentence per secret the sources do not allow for this component,
 * naming the field (`secrets[1].copyFrom`); empty when all are allowed. Pure.
 */
export function secretSourceProblems(
  secrets: readonly PreviewSecretSpec[] | undefined,
  sources: readonly SecretSource[],
  entityRef: string,
): string[] {
  const problems: string[] = [];
  (secrets ?? []).forEach((secret, i) => {
    const { namespace, name } = secret.copyFrom;
    const allowed = sources.some(
      s =>
        s.namespace === namespace &&
        s.names.some(p => matches(p, name)) &&
        (!s.components || s.components.includes(entityRef.toLowerCase())),
    );
    if (!allowed) {
      problems.push(
        `secrets[${i}].copyFrom ${namespace}/${name} is not a secret source this component may copy from (previews.kubernetes.secretSources)`,
      );
    }
  });
  return problems;
}

/** `previews.kubernetes.secretSources`; empty when unset. Throws on an entry it cannot use. */
export function secretSourcesFromConfig(
  kubernetes: Config | undefined,
): SecretSource[] {
  return (kubernetes?.getOptionalConfigArray('secretSources') ?? []).map(
    (c, i) => {
      const at = `previews.kubernetes.secretSources[${i}]`;
      const namespace = c.getString('namespace');
      if (namespace.includes('*'))
        throw new Error(
          `Invalid config ${at}.namespace: name one namespace, without patterns`,
        );
      const names = c.getOptionalStringArray('names') ?? ['*'];
      if (!names.length)
        throw new Error(
          `Invalid config ${at}.names: name at least one secret (or '*')`,
        );
      const components = c
        .getOptionalStringArray('components')
        ?.map(r => r.toLowerCase());
      return { namespace, names, ...(components ? { components } : {}) };
    },
  );
}
