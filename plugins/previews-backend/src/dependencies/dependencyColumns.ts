import { PreviewDependency } from '@backstage-previews/plugin-previews-common';
import { ResolvedDependency } from './resolveDependencies';

/**
 * The dependency columns of the previews table (migration 20261122e) and
 * how they map to a preview: kept separate so the store only spreads them in.
 */
export interface DependencyRow {
  dependencies?: string | null;
  dependency_group?: string | null;
  service_url?: string | null;
}

/** The stored resolved dependencies, with their staging URLs. */
export function parseResolvedDependencies(text: string | null | undefined): ResolvedDependency[] | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The API fields of a row: `dependencies` (without the bookkeeping) and `group`. */
export function dependencyFields(row: DependencyRow): { dependencies?: PreviewDependency[]; group?: string } {
  const resolved = parseResolvedDependencies(row.dependencies);
  return {
    ...(resolved ? { dependencies: resolved.map(({ stagingUrl: _stagingUrl, ...dependency }) => dependency) } : {}),
    ...(row.dependency_group ? { group: row.dependency_group } : {}),
  };
}
