import {
  PreviewTestRun,
  PreviewTestStatus,
} from '@backstage-previews/plugin-previews-common';
import type { StoredPreview } from '../../types';

/** The check run's name on the head commit: `preview/<component>`. */
export function checkRunName(preview: StoredPreview): string {
  return `preview/${preview.entityRef.replace(/^component:(default\/)?/, '')}`;
}

/** Ties a check run to one run of one preview's tests, so a replica finds the one another created. */
export function checkRunExternalId(
  preview: StoredPreview,
  tests: PreviewTestRun,
): string {
  return `${preview.id}/${tests.run}`;
}

/** What the pull request's checks show of a run of the smoke tests. */
export interface CheckRunReport {
  name: string;
  head_sha: string;
  external_id: string;
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure';
  started_at?: string;
  completed_at?: string;
  details_url?: string;
  output: { title: string; summary: string };
}

const GITHUB_TEXT_MAX = 65535;

/** A test's status as the summary marks it. */
function markOf(status: PreviewTestStatus): string {
  if (status === 'passed') return '✅';
  if (status === 'failed') return '❌';
  return '⏳';
}

/** The check run of a run of a preview's smoke tests: in progress, then success or failure with a summary. Pure. */
export function checkRunReport(
  preview: StoredPreview,
  tests: PreviewTestRun,
  portalUrl: string | undefined,
): CheckRunReport | undefined {
  const sha = tests.sha ?? preview.sha;
  if (!sha || !/^[0-9a-f]{40}$/i.test(sha)) return undefined;
  const ended = tests.status === 'passed' || tests.status === 'failed';
  const passed = tests.results.filter(r => r.status === 'passed').length;
  const title = ended
    ? `${passed} of ${tests.results.length} smoke tests passed`
    : `${tests.results.length} smoke test${
        tests.results.length === 1 ? '' : 's'
      } running`;
  const lines = tests.results.map(r => {
    const mark = markOf(r.status);
    const detail = r.message
      ? `\n\n\`\`\`\n${r.message.replace(/```/g, "'''")}\n\`\`\``
      : '';
    return `- ${mark} **${r.name}** ${r.status}${
      r.seconds !== undefined ? ` in ${r.seconds} s` : ''
    }${detail}`;
  });
  const summary = [
    `Run ${tests.run} of the smoke tests of preview \`${preview.name}\` (${tests.trigger}).`,
    '',
    ...lines,
    ...(portalUrl ? ['', `Logs and Re-run: ${portalUrl}`] : []),
  ].join('\n');
  return {
    name: checkRunName(preview),
    head_sha: sha,
    external_id: checkRunExternalId(preview, tests),
    status: ended ? 'completed' : 'in_progress',
    ...(ended
      ? {
          conclusion:
            tests.status === 'passed'
              ? ('success' as const)
              : ('failure' as const),
        }
      : {}),
    ...(tests.startedAt ? { started_at: tests.startedAt } : {}),
    ...(ended && tests.finishedAt ? { completed_at: tests.finishedAt } : {}),
    ...(portalUrl ? { details_url: portalUrl } : {}),
    output: { title, summary: summary.slice(0, GITHUB_TEXT_MAX) },
  };
}

/** The Tests line of the sticky comment; the preview's URL waits for them when the config says so. */
export function testsLine(
  tests: PreviewTestRun | undefined,
): string | undefined {
  if (!tests) return undefined;
  const failed = tests.results
    .filter(r => r.status === 'failed')
    .map(r => r.name);
  if (tests.status === 'failed') return `failed: ${failed.join(', ')}`;
  if (tests.status === 'passed') return `passed (${tests.results.length})`;
  return tests.status;
}
