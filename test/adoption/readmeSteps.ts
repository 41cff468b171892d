/**
 * The README's "Add the plugins to an existing Backstage app" section, read
 * as the steps an adopter follows. The adoption test applies exactly these
 * to a fresh app, so a wrong or missing step in the README fails it.
 */
import { parse as parseYaml } from 'yaml';

export const INSTALL_SECTION = 'Add the plugins to an existing Backstage app';

export type ReadmeStep =
  /** shell commands, run in the app's root */
  | { kind: 'shell'; commands: string[] }
  /** lines added to packages/backend/src/index.ts before backend.start() */
  | { kind: 'backend'; lines: string[] }
  /** imports and createApp features of packages/app/src/App.tsx (new frontend system) */
  | { kind: 'app'; imports: string[]; features: string[] }
  /** annotations a component needs for previews */
  | { kind: 'annotations'; annotations: Record<string, string> }
  /** app-config.yaml content */
  | { kind: 'config'; config: Record<string, unknown> };

interface CodeBlock {
  lang: string;
  code: string;
}

/** The text of a `## title` section, up to the next heading of level 2 or 1. */
export function sectionOf(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex(l => l.trim() === `## ${title}`);
  if (start < 0) throw new Error(`the README has no "## ${title}" section`);
  const rest = lines.slice(start + 1);
  // headings inside fenced code (a yaml or shell comment) are not headings
  let fenced = false;
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    if (/^\s*```/.test(rest[i])) fenced = !fenced;
    if (!fenced && /^#{1,2} /.test(rest[i])) {
      end = i;
      break;
    }
  }
  return rest.slice(0, end).join('\n');
}

/** Fenced code blocks, indented or not, with their language. */
export function codeBlocksOf(section: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = section.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) {
      body.push(lines[j].slice(Math.min(indent, lines[j].search(/\S|$/))));
    }
    if (j >= lines.length)
      throw new Error(
        `a code block opened at "${lines[i].trim()}" is never closed`,
      );
    blocks.push({ lang: open[2], code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** Identifiers of `createApp({ features: [a, b] })`. */
function featuresOf(code: string): string[] {
  const m = /features:\s*\[([^\]]*)\]/.exec(code);
  if (!m) return [];
  return m[1]
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

function stepOf(block: CodeBlock): ReadmeStep | undefined {
  const { lang, code } = block;
  if (lang === 'sh' || lang === 'bash') {
    const commands = code
      .split('\n')
      .map(l => l.trim())
      .filter(l => l && !l.startsWith('#'));
    return { kind: 'shell', commands };
  }
  if (lang === 'ts' && code.includes('backend.add(')) {
    const lines = code
      .split('\n')
      .filter(l => l.trim().startsWith('backend.add('));
    return { kind: 'backend', lines: lines.map(l => l.trim()) };
  }
  if (lang === 'ts' && code.includes('createApp(')) {
    const imports = code
      .split('\n')
      .map(l => l.trim())
      .filter(l => l.startsWith('import '));
    return { kind: 'app', imports, features: featuresOf(code) };
  }
  if (lang === 'yaml') {
    const doc = parseYaml(code) as Record<string, any> | null;
    if (!doc || typeof doc !== 'object') return undefined;
    if (doc.metadata?.annotations) {
      return {
        kind: 'annotations',
        annotations: { ...doc.metadata.annotations },
      };
    }
    if (doc.previews) return { kind: 'config', config: doc };
  }
  // legacy frontend system (tsx) and optional settings: not part of the
  // new-frontend-system install the test follows
  return undefined;
}

/** The install steps of the README, in the order written. */
export function installSteps(readme: string): ReadmeStep[] {
  const steps = codeBlocksOf(sectionOf(readme, INSTALL_SECTION))
    .map(stepOf)
    .filter((s): s is ReadmeStep => s !== undefined);
  if (steps.length === 0)
    throw new Error(`the README's "${INSTALL_SECTION}" section has no steps`);
  return steps;
}
