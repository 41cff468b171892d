/*
 * Trust levels of a preview spec (docs/security.md):
 * - app-config (the platform team) is trusted;
 * - the catalog entity, reviewed on the default branch, chooses among what
 *   config allows;
 * - the repository's `.backstage/preview.yaml` at a pull request head is
 *   written by anyone who can push to the PR: it shapes its own workloads only.
 *
 * The fields below reach outside the preview (other namespaces' Secrets,
 * clusters, engines, Argo CD projects and sources), so only the catalog or
 * config may set them. In a repo file they are refused; the catalog's values
 * for them (from its `backstage-previews.io/spec` annotation) are kept under
 * the repo file's workloads.
 *
 * Placement (`nodeSelector`, `tolerations`) the repo file may choose, but
 * only among what `previews.kubernetes.placement` offers: the engine checks
 * every spec against it, whatever its source. Without a choice of its own,
 * the catalog's stands. Its `nodeSelector` goes over the catalog's key by
 * key: it may choose another allowed value for a label, never drop a label
 * the catalog pinned (an empty selector would let pods onto any node).
 */

/** Top-level fields only the catalog or app-config may set. */
export const CATALOG_ONLY_FIELDS = ['secrets', 'engine', 'cluster'] as const;
/** Top-level fields a repo file may choose within config's bounds; the catalog's value is the default. */
export const PLACEMENT_FIELDS = ['nodeSelector', 'tolerations'] as const;
/** Fields of `argocd` only the catalog or app-config may set. */
export const CATALOG_ONLY_ARGOCD_FIELDS = ['project', 'repoURL'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The catalog-only fields a repo file sets, as dotted paths (`argocd.project`); empty when none. */
export function untrustedFieldsOf(repoValue: unknown): string[] {
  if (!isObject(repoValue)) return [];
  const found: string[] = CATALOG_ONLY_FIELDS.filter(
    f => repoValue[f] !== undefined,
  );
  const argocd = repoValue.argocd;
  if (isObject(argocd)) {
    for (const f of CATALOG_ONLY_ARGOCD_FIELDS)
      if (argocd[f] !== undefined) found.push(`argocd.${f}`);
  }
  return found;
}

/**
 * The spec to validate when the repo file is used: the repo file's fields,
 * with the catalog-only fields taken from the catalog's spec (when it has
 * one), and the catalog's placement where the repo file chose none.
 */
export function withCatalogFields(
  repoValue: Record<string, unknown>,
  catalogValue: unknown,
): Record<string, unknown> {
  if (!isObject(catalogValue)) return repoValue;
  const merged: Record<string, unknown> = { ...repoValue };
  for (const f of CATALOG_ONLY_FIELDS)
    if (catalogValue[f] !== undefined) merged[f] = catalogValue[f];
  for (const f of PLACEMENT_FIELDS)
    if (repoValue[f] === undefined && catalogValue[f] !== undefined)
      merged[f] = catalogValue[f];
  if (isObject(repoValue.nodeSelector) && isObject(catalogValue.nodeSelector)) {
    merged.nodeSelector = {
      ...catalogValue.nodeSelector,
      ...repoValue.nodeSelector,
    };
  }
  const catalogArgo = catalogValue.argocd;
  if (isObject(catalogArgo)) {
    const argocd: Record<string, unknown> = isObject(repoValue.argocd)
      ? { ...repoValue.argocd }
      : {};
    for (const f of CATALOG_ONLY_ARGOCD_FIELDS)
      if (catalogArgo[f] !== undefined) argocd[f] = catalogArgo[f];
    // the catalog's Argo CD settings stand when the repo file has none
    merged.argocd = isObject(repoValue.argocd) ? argocd : { ...catalogArgo };
  }
  return merged;
}
