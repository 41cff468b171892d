/**
 * The packed plugin packages stand in for their npm releases, which this
 * machine cannot publish: the README's `yarn add` commands run as written,
 * with each of the four package names pointed at its tarball, and the app's
 * resolutions send the packages' dependencies on each other to the tarballs
 * too. Any other name a command gives (a misspelt package, say) still goes to
 * npm and fails there, as it would for an adopter.
 */

/** package name → absolute path of its packed tarball */
export type Tarballs = ReadonlyMap<string, string>;

const quote = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** Name of a package argument: `@scope/name`, `@scope/name@range`, `name`, `name@range`. */
function packageNameOf(arg: string): string {
  const at = arg.indexOf('@', 1);
  return at < 0 ? arg : arg.slice(0, at);
}

/**
 * A README shell command with the packed packages' arguments of `yarn … add`
 * pointed at their tarballs (`name@file:/…tgz`); any other command, and any
 * other argument, unchanged.
 */
export function withTarballs(command: string, tarballs: Tarballs): string {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'yarn' || !words.includes('add')) return command;
  const afterAdd = words.indexOf('add') + 1;
  return words
    .map((word, i) => {
      if (i < afterAdd || word.startsWith('-')) return word;
      const file = tarballs.get(packageNameOf(word));
      return file ? quote(`${packageNameOf(word)}@file:${file}`) : word;
    })
    .join(' ');
}

/** The app's `resolutions` that make every dependency on a packed package its tarball. */
export function tarballResolutions(tarballs: Tarballs): Record<string, string> {
  return Object.fromEntries(
    [...tarballs].map(([name, file]) => [name, `file:${file}`]),
  );
}
