import { PreviewTimeline } from '@backstage-previews/plugin-previews-common';
import { phaseStats } from './phaseStats';

const timeline = (phases: PreviewTimeline['phases']): PreviewTimeline => ({
  trigger: 'create',
  startedAt: '2026-12-04T10:00:00Z',
  phases,
});

describe('phaseStats', () => {
  it('is empty without timelines', () => {
    expect(phaseStats([])).toEqual({});
    expect(phaseStats([undefined, timeline({})])).toEqual({});
  });

  it('takes the nearest-rank p50 and p95 of each phase over the timelines that have it', () => {
    // seed: 1..20 s over twenty rollouts; queued only in two of them
    const timelines = Array.from({ length: 20 }, (_, i) =>
      timeline({ seed: i + 1, ...(i < 2 ? { queued: 10 * (i + 1) } : {}) }),
    );
    expect(phaseStats([...timelines, undefined])).toEqual({
      seed: { p50: 10, p95: 19, count: 20 },
      queued: { p50: 10, p95: 20, count: 2 },
    });
  });

  it('does not depend on the order of the timelines', () => {
    const one = phaseStats([
      timeline({ ready: 3 }),
      timeline({ ready: 1 }),
      timeline({ ready: 2 }),
    ]);
    expect(one).toEqual({ ready: { p50: 2, p95: 3, count: 3 } });
  });
});
