import { render, screen } from '@testing-library/react';
import { PreviewTimeline } from '@backstage-previews/plugin-previews-common';
import { PreviewTimelineBar } from './PreviewTimelineBar';
import { formatSeconds } from './format';
import { defaultT, TranslationApis } from '../__testUtils__/translations';

const seeded: PreviewTimeline = {
  trigger: 'create',
  startedAt: '2026-12-04T10:00:00.000Z',
  phases: {
    queued: 1.6,
    scheduled: 0,
    imagePulled: 7,
    seed: 12,
    migrate: 3,
    ready: 3.4,
    tests: 2,
  },
  readySeconds: 19.6,
};

describe('PreviewTimelineBar', () => {
  it('shows every phase in order, each as wide as its share, with the time to ready', () => {
    render(<PreviewTimelineBar timeline={seeded} />, {
      wrapper: TranslationApis,
    });
    const bar = screen.getByTestId('preview-timeline');
    expect(bar).toHaveTextContent('ready in 20 s');
    expect(bar).toHaveAccessibleName(
      'Timeline of the create, ready in 20 s: Queued 1.6 s, Scheduled 0 s, Image pulled 7 s, Seed 12 s, Migrate 3 s, Ready 3.4 s, Tests 2 s',
    );
    const segments = screen.getAllByTestId(/^preview-timeline-/);
    expect(segments.map(s => s.dataset.testid)).toEqual([
      'preview-timeline-queued',
      'preview-timeline-scheduled',
      'preview-timeline-imagePulled',
      'preview-timeline-seed',
      'preview-timeline-migrate',
      'preview-timeline-ready',
      'preview-timeline-tests',
    ]);
    const grow = (phase: string) =>
      Number(
        getComputedStyle(screen.getByTestId(`preview-timeline-${phase}`))
          .flexGrow,
      );
    expect(grow('seed')).toBeCloseTo(12 / 29, 3);
    expect(grow('imagePulled')).toBeCloseTo(7 / 29, 3);
  });

  it('shows a rollout still in progress with the phases so far', () => {
    render(
      <PreviewTimelineBar
        timeline={{
          trigger: 'reseed',
          startedAt: seeded.startedAt,
          phases: { seed: 4 },
        }}
      />,
      { wrapper: TranslationApis },
    );
    expect(screen.getByTestId('preview-timeline')).toHaveTextContent(
      'in progress',
    );
    expect(
      screen.getAllByTestId(/^preview-timeline-/).map(s => s.dataset.testid),
    ).toEqual(['preview-timeline-seed']);
  });

  it('shows nothing without a timeline or before its first phase', () => {
    const { container, rerender } = render(<PreviewTimelineBar />, {
      wrapper: TranslationApis,
    });
    expect(container).toBeEmptyDOMElement();
    rerender(
      <PreviewTimelineBar
        timeline={{
          trigger: 'create',
          startedAt: seeded.startedAt,
          phases: {},
        }}
      />,
    );
    expect(container).toBeEmptyDOMElement();
  });
});

describe('formatSeconds', () => {
  it.each([
    [0, '0 s'],
    [0.44, '0.4 s'],
    [9.96, '10 s'],
    [12.4, '12 s'],
    [60, '1 min'],
    [125.2, '2 min 5 s'],
  ])('%s → %s', (seconds, text) => {
    expect(formatSeconds(defaultT(), seconds)).toBe(text);
  });
});
