/**
 * Whether an Argo CD AppProject is fit to hold previews. The repo spec at a
 * PR head shapes the manifests Argo CD applies, so the project is what keeps
 * them inside their namespace: it must allow no cluster-scoped kinds
 * (`clusterResourceWhitelist` empty) and no destination namespace that holds
 * the cluster's own or Argo CD's workloads.
 */

/** The parts of an AppProject (argoproj.io/v1alpha1) this check reads. */
export interface AppProjectLike {
  metadata?: { name?: string };
  spec?: {
    destinations?: Array<{
      server?: string;
      name?: string;
      namespace?: string;
    }>;
    clusterResourceWhitelist?: Array<{ group?: string; kind?: string }>;
  };
}

export const APPPROJECT_PLURAL = 'appprojects';

/** Namespaces no preview may deploy to, besides Argo CD's own. */
export const PROTECTED_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'default',
] as const;

/** Argo CD's glob for destination namespaces: `*` any run of characters, `?` one. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/** Whether the project's destinations admit `namespace` (a `!pattern` destination denies it). */
export function destinationAdmits(
  project: AppProjectLike,
  namespace: string,
): boolean {
  const patterns = (project.spec?.destinations ?? []).map(
    d => d.namespace ?? '',
  );
  if (
    patterns.some(p => p.startsWith('!') && globMatches(p.slice(1), namespace))
  )
    return false;
  return patterns.some(p => !p.startsWith('!') && globMatches(p, namespace));
}

/** What makes the project unfit for previews; empty when it is fit. */
export function appProjectProblems(
  project: AppProjectLike,
  argoNamespace: string,
): string[] {
  const name = project.metadata?.name ?? '?';
  const problems: string[] = [];
  const cluster = project.spec?.clusterResourceWhitelist ?? [];
  if (cluster.length) {
    const kinds = cluster
      .map(k => `${k.group || 'core'}/${k.kind ?? '*'}`)
      .join(', ');
    problems.push(
      `AppProject ${name} allows cluster-scoped kinds (clusterResourceWhitelist: ${kinds})`,
    );
  }
  const reached = [...PROTECTED_NAMESPACES, argoNamespace].filter(ns =>
    destinationAdmits(project, ns),
  );
  if (reached.length) {
    problems.push(
      `AppProject ${name} allows destinations outside preview namespaces (${reached.join(
        ', ',
      )})`,
    );
  }
  return problems;
}
