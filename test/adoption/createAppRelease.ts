/** Compares two stable versions `X.Y.Z` numerically. Pure. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) return pa[i] - pb[i];
  }
  return 0;
}

/**
 * The newest create-app release that scaffolds `target`, asking
 * `scaffolds` (which downloads a release) as few times as a binary search
 * needs: the Backstage release a create-app release scaffolds only grows
 * with create-app's own version. Undefined when none does.
 */
export function findCreateAppRelease(
  /** Stable create-app versions, in any order. */
  versions: readonly string[],
  /** The Backstage release that a create-app version scaffolds. */
  scaffolds: (createAppVersion: string) => string,
  target: string,
): string | undefined {
  const sorted = versions
    .filter(v => /^\d+\.\d+\.\d+$/.test(v))
    .sort(compareVersions);
  // the last release whose scaffold is at most the target
  let low = 0;
  let high = sorted.length - 1;
  let found: string | undefined;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const scaffolded = scaffolds(sorted[middle]);
    if (compareVersions(scaffolded, target) <= 0) {
      if (scaffolded === target) found = sorted[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
