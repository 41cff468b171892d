/**
 * The engine a preview runs on when neither its spec nor its component names
 * one. A backend whose config names no engine still starts: the plugin is
 * installed before a cluster is configured, and an Argo CD-only setup need
 * not say so twice.
 */
export type DefaultEngine =
  | { id: string }
  /** No engine can be chosen; creating a preview that names none fails with this. */
  | { id?: undefined; problem: string };

/**
 * `previews.defaultEngine` when set (it must be installed: a typo fails the
 * start, naming the installed engines); else `kubernetes` when installed;
 * else the only installed engine; else none, with why. Pure.
 */
export function chooseDefaultEngine(
  configured: string | undefined,
  installed: readonly string[],
): DefaultEngine {
  if (configured !== undefined) {
    if (installed.includes(configured)) return { id: configured };
    throw new Error(
      `previews.defaultEngine is ${JSON.stringify(
        configured,
      )} but the installed engines are: ${installed.join(', ') || 'none'}`,
    );
  }
  if (installed.includes('kubernetes')) return { id: 'kubernetes' };
  if (installed.length === 1) return { id: installed[0] };
  if (installed.length === 0)
    return {
      problem:
        'No preview engine is configured: add a cluster under previews.kubernetes (or an Argo CD instance under previews.argocd) to the app-config',
    };
  return {
    problem: `Several preview engines are installed (${installed.join(
      ', ',
    )}) and previews.defaultEngine is not set: set it, or name the engine in the component's annotation backstage-previews.io/engine or in its preview spec`,
  };
}
