import {
  PREVIEW_TIMELINE_PHASES,
  PreviewPhaseStats,
  PreviewTimeline,
  PreviewTimelinePhase,
} from '@backstage-previews/plugin-previews-common';

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The p50 and p95 of each phase over the given timelines (a phase counts
 * where a timeline has it). Pure.
 */
export function phaseStats(
  timelines: ReadonlyArray<PreviewTimeline | undefined>,
): Partial<Record<PreviewTimelinePhase, PreviewPhaseStats>> {
  const stats: Partial<Record<PreviewTimelinePhase, PreviewPhaseStats>> = {};
  for (const phase of PREVIEW_TIMELINE_PHASES) {
    const values = timelines
      .map(t => t?.phases[phase])
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    if (values.length)
      stats[phase] = {
        p50: percentile(values, 50),
        p95: percentile(values, 95),
        count: values.length,
      };
  }
  return stats;
}
