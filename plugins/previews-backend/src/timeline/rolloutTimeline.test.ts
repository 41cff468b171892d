import {
  PreviewTestRun,
  PreviewTimeline,
} from '@backstage-previews/plugin-previews-common';
import { PreviewRolloutMarks } from '@backstage-previews/plugin-previews-node';
import {
  startedTimeline,
  timelineAfterObservation,
  withTestsPhase,
} from './rolloutTimeline';

// A create requested at 10:00:00.400; pods carry whole seconds.
const started = startedTimeline('create', '2026-12-04T10:00:00.400Z');
const at = (s: number) =>
  new Date(Date.UTC(2026, 11, 4, 10, 0, 0) + s * 1000).toISOString();

const seededMarks: PreviewRolloutMarks = {
  pods: [
    // postgres: created at 2 s, scheduled at 3 s, started at 10 s
    { createdAt: at(2), scheduledAt: at(3), startedAt: at(10) },
    // the app: created at 2 s, scheduled at 2 s, its wait-for-database started at 4 s
    { createdAt: at(2), scheduledAt: at(2), startedAt: at(4) },
    // the seed Job's pod
    { createdAt: at(2), scheduledAt: at(2), startedAt: at(5) },
  ],
  seed: { startedAt: at(2), finishedAt: at(14) },
  // It starts with the seed Job and waits for the seed to end.
  migrate: { startedAt: at(2), finishedAt: at(17) },
};

describe('timelineAfterObservation', () => {
  it.each<
    [
      string,
      PreviewTimeline,
      PreviewRolloutMarks | undefined,
      string | undefined,
      PreviewTimeline | undefined,
    ]
  >([
    [
      'nothing observed yet changes nothing',
      started,
      undefined,
      undefined,
      undefined,
    ],
    [
      'no pods of the rollout yet changes nothing',
      started,
      { pods: [] },
      undefined,
      undefined,
    ],
    [
      'a seeded rollout on its way: every phase that ended so far',
      started,
      seededMarks,
      undefined,
      {
        ...started,
        phases: {
          queued: 1.6,
          scheduled: 1,
          imagePulled: 7,
          seed: 12,
          migrate: 3,
        },
      },
    ],
    [
      'ready: from the last mark (the migration) to ready, and the total',
      started,
      seededMarks,
      at(20),
      {
        ...started,
        phases: {
          queued: 1.6,
          scheduled: 1,
          imagePulled: 7,
          seed: 12,
          migrate: 3,
          ready: 3,
        },
        readySeconds: 19.6,
      },
    ],
    [
      'a seed Job still running counts for nothing yet',
      started,
      { ...seededMarks, seed: { startedAt: at(2) }, migrate: undefined },
      undefined,
      { ...started, phases: { queued: 1.6, scheduled: 1, imagePulled: 7 } },
    ],
    [
      'a migration without a seed of this rollout (a redeploy with a new image) runs from its own start',
      startedTimeline('redeploy', at(30)),
      {
        pods: [{ createdAt: at(31), scheduledAt: at(31), startedAt: at(32) }],
        seed: { startedAt: at(2), finishedAt: at(14) },
        migrate: { startedAt: at(31), finishedAt: at(35) },
      },
      at(37),
      {
        ...startedTimeline('redeploy', at(30)),
        phases: {
          queued: 1,
          scheduled: 0,
          imagePulled: 1,
          migrate: 4,
          ready: 2,
        },
        readySeconds: 7,
      },
    ],
    [
      'a pod not scheduled yet: the others',
      started,
      {
        pods: [{ createdAt: at(1) }, { createdAt: at(1), scheduledAt: at(4) }],
      },
      undefined,
      { ...started, phases: { queued: 0.6, scheduled: 3 } },
    ],
    [
      'pods and Jobs older than the request (a redeploy that kept them) do not count',
      startedTimeline('redeploy', at(30)),
      {
        pods: [
          { createdAt: at(2), scheduledAt: at(3), startedAt: at(4) },
          { createdAt: at(31), scheduledAt: at(31), startedAt: at(33) },
        ],
        seed: { startedAt: at(2), finishedAt: at(14) },
      },
      at(36),
      {
        ...startedTimeline('redeploy', at(30)),
        phases: { queued: 1, scheduled: 0, imagePulled: 2, ready: 3 },
        readySeconds: 6,
      },
    ],
    [
      'a pod created in the second of the request counts, queued is never negative',
      started,
      { pods: [{ createdAt: at(0), scheduledAt: at(0), startedAt: at(1) }] },
      undefined,
      { ...started, phases: { queued: 0, scheduled: 0, imagePulled: 1 } },
    ],
    [
      'ready without pods of its own (a reseed that kept the app running): ready from the migration',
      startedTimeline('reseed', at(30)),
      {
        pods: [{ createdAt: at(2), scheduledAt: at(3), startedAt: at(4) }],
        seed: { startedAt: at(31), finishedAt: at(35) },
      },
      at(40),
      {
        ...startedTimeline('reseed', at(30)),
        phases: { seed: 4, ready: 5 },
        readySeconds: 10,
      },
    ],
    [
      'a readyAt from before the request (a status change of the last rollout) does not end it',
      startedTimeline('redeploy', at(30)),
      { pods: [] },
      at(20),
      undefined,
    ],
    [
      'a finished timeline no longer changes',
      { ...started, phases: { ready: 3 }, readySeconds: 19.6 },
      seededMarks,
      at(50),
      undefined,
    ],
    [
      'an unchanged observation changes nothing',
      {
        ...started,
        phases: {
          queued: 1.6,
          scheduled: 1,
          imagePulled: 7,
          seed: 12,
          migrate: 3,
        },
      },
      seededMarks,
      undefined,
      undefined,
    ],
  ])('%s', (_, timeline, marks, readyAt, expected) => {
    expect(timelineAfterObservation(timeline, marks, readyAt)).toEqual(
      expected,
    );
  });
});

describe('withTestsPhase', () => {
  const run = (fields: Partial<PreviewTestRun>): PreviewTestRun => ({
    run: 1,
    status: 'passed',
    trigger: 'create',
    results: [],
    ...fields,
  });
  const ready: PreviewTimeline = {
    ...started,
    phases: { ready: 3 },
    readySeconds: 19.6,
  };
  it.each<
    [
      string,
      PreviewTimeline | undefined,
      PreviewTestRun | undefined,
      PreviewTimeline | undefined,
    ]
  >([
    [
      'no timeline',
      undefined,
      run({ startedAt: at(21), finishedAt: at(24) }),
      undefined,
    ],
    ['no tests', ready, undefined, ready],
    [
      'the run the rollout started, ended',
      ready,
      run({ startedAt: at(21), finishedAt: at(24.5) }),
      { ...ready, phases: { ready: 3, tests: 3.5 } },
    ],
    [
      'a run still going',
      ready,
      run({ status: 'running', startedAt: at(21) }),
      ready,
    ],
    [
      'a re-run is not part of the rollout',
      ready,
      run({ trigger: 'rerun', startedAt: at(21), finishedAt: at(24) }),
      ready,
    ],
    [
      'a run of an earlier rollout',
      ready,
      run({ startedAt: at(-60), finishedAt: at(-50) }),
      ready,
    ],
  ])('%s', (_, timeline, tests, expected) => {
    expect(withTestsPhase(timeline, tests)).toEqual(expected);
  });
});
