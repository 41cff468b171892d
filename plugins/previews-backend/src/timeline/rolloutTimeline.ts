import {
  PreviewTestRun,
  PreviewTimeline,
} from '@backstage-previews/plugin-previews-common';
import { PreviewRolloutMarks } from '@backstage-previews/plugin-previews-node';

/** The timeline a rollout starts with: the time of the request, no phase yet. Pure. */
export function startedTimeline(
  trigger: PreviewTimeline['trigger'],
  now: string,
): PreviewTimeline {
  return { trigger, startedAt: now, phases: {} };
}

const ms = (iso: string) => Date.parse(iso);
/** Seconds to a tenth; never negative (the cluster's and the backend's clocks may differ a little). */
const seconds = (from: number, to: number) =>
  Math.max(0, Math.round((to - from) / 100) / 10);
const max = (values: number[]) =>
  values.length ? Math.max(...values) : undefined;

/**
 * The timeline after an observation of the rollout: its phases from the
 * marks of the pods and Jobs made since the request, and once the
 * preview is ready (`readyAt`, from that observation) the `ready` phase
 * and the total; from then on it no longer changes. Undefined when
 * nothing changed. Pure.
 *
 * Pods the rollout did not make (a reseed keeps the app's pods until the
 * seed is done; a redeploy's old pods) are older than the request and do
 * not count. Pod times are whole seconds, so the request time is too.
 */
export function timelineAfterObservation(
  timeline: PreviewTimeline,
  marks: PreviewRolloutMarks | undefined,
  readyAt: string | undefined,
): PreviewTimeline | undefined {
  if (timeline.readySeconds !== undefined) return undefined;
  const start = ms(timeline.startedAt);
  const since = Math.floor(start / 1000) * 1000;
  const pods = (marks?.pods ?? []).filter(p => ms(p.createdAt) >= since);
  const phases: PreviewTimeline['phases'] = {};
  if (pods.length) {
    phases.queued = seconds(start, Math.min(...pods.map(p => ms(p.createdAt))));
    // The slowest pod of each phase: the preview waits for all of them.
    const scheduled = max(
      pods
        .filter(p => p.scheduledAt)
        .map(p => seconds(ms(p.createdAt), ms(p.scheduledAt!))),
    );
    if (scheduled !== undefined) phases.scheduled = scheduled;
    const pulled = max(
      pods
        .filter(p => p.scheduledAt && p.startedAt)
        .map(p => seconds(ms(p.scheduledAt!), ms(p.startedAt!))),
    );
    if (pulled !== undefined) phases.imagePulled = pulled;
  }
  const ends: number[] = pods
    .filter(p => p.startedAt)
    .map(p => ms(p.startedAt!));
  const ran = (job: { startedAt: string; finishedAt?: string } | undefined) =>
    job?.finishedAt && ms(job.startedAt) >= since
      ? { start: ms(job.startedAt), end: ms(job.finishedAt) }
      : undefined;
  const seed = ran(marks?.seed);
  if (seed) {
    phases.seed = seconds(seed.start, seed.end);
    ends.push(seed.end);
  }
  const migrate = ran(marks?.migrate);
  if (migrate) {
    // The migrate Job starts with the seed Job and waits for it: it migrates from the seed's end.
    phases.migrate = seconds(
      Math.max(migrate.start, seed?.end ?? 0),
      migrate.end,
    );
    ends.push(migrate.end);
  }
  const next: PreviewTimeline = { ...timeline, phases };
  if (readyAt && ms(readyAt) >= start) {
    const ready = ms(readyAt);
    const lastMark = max(ends.filter(e => e <= ready));
    phases.ready = seconds(lastMark ?? start, ready);
    next.readySeconds = seconds(start, ready);
  }
  return JSON.stringify(next) === JSON.stringify(timeline) ? undefined : next;
}

/**
 * The timeline with its smoke test run: the run the rollout started (not a
 * re-run), once it ended. Pure.
 */
export function withTestsPhase(
  timeline: PreviewTimeline | undefined,
  tests: PreviewTestRun | undefined,
): PreviewTimeline | undefined {
  if (
    !timeline ||
    !tests?.startedAt ||
    !tests.finishedAt ||
    tests.trigger === 'rerun'
  )
    return timeline;
  if (ms(tests.startedAt) < ms(timeline.startedAt)) return timeline;
  return {
    ...timeline,
    phases: {
      ...timeline.phases,
      tests: seconds(ms(tests.startedAt), ms(tests.finishedAt)),
    },
  };
}
