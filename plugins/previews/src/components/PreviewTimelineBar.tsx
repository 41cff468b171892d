import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  PREVIEW_TIMELINE_PHASES,
  PreviewTimeline,
  PreviewTimelinePhase,
} from '@backstage-previews/plugin-previews-common';
import { previewsTranslationRef } from '../translation';
import { formatSeconds } from './format';

/** The message of what each phase is called on screen. */
const PHASE_LABELS = {
  queued: 'timeline.phase.queued',
  scheduled: 'timeline.phase.scheduled',
  imagePulled: 'timeline.phase.imagePulled',
  seed: 'timeline.phase.seed',
  migrate: 'timeline.phase.migrate',
  ready: 'timeline.phase.ready',
  tests: 'timeline.phase.tests',
} as const satisfies Record<PreviewTimelinePhase, string>;

// One colour per phase, from the theme, so the bar reads in light and dark mode.
const PHASE_COLORS: Record<PreviewTimelinePhase, string> = {
  queued: 'grey.500',
  scheduled: 'info.light',
  imagePulled: 'info.main',
  seed: 'secondary.light',
  migrate: 'secondary.main',
  ready: 'success.main',
  tests: 'warning.main',
};

const TRIGGERS = {
  create: 'timeline.trigger.create',
  redeploy: 'timeline.trigger.redeploy',
  reseed: 'timeline.trigger.reseed',
  wake: 'timeline.trigger.wake',
} as const satisfies Record<PreviewTimeline['trigger'], string>;

/**
 * The latest rollout's phases as one bar, each phase as wide as its share
 * of the time, with the time to ready under it; hover (or focus) lists
 * each phase. Nothing for a preview without a timeline or any phase yet.
 */
export function PreviewTimelineBar({
  timeline,
}: {
  timeline?: PreviewTimeline;
}) {
  const { t } = useTranslationRef(previewsTranslationRef);
  const phases = PREVIEW_TIMELINE_PHASES.filter(
    p => timeline?.phases[p] !== undefined,
  ).map(p => ({
    phase: p,
    seconds: timeline!.phases[p]!,
  }));
  if (!timeline || !phases.length) return null;
  const total = phases.reduce((sum, p) => sum + p.seconds, 0);
  const summary = phases
    .map(p =>
      t('timeline.phaseSummary', {
        phase: t(PHASE_LABELS[p.phase]),
        duration: formatSeconds(t, p.seconds),
      }),
    )
    .join(', ');
  const readyIn =
    timeline.readySeconds !== undefined
      ? t('timeline.readyIn', {
          duration: formatSeconds(t, timeline.readySeconds),
        })
      : t('timeline.inProgress');
  const trigger = t(TRIGGERS[timeline.trigger]);
  const label = t('timeline.label', { trigger, readyIn, summary });
  return (
    <Tooltip
      title={
        <Stack spacing={0.25}>
          <Typography variant="caption">
            {t('timeline.heading', { trigger, readyIn })}
          </Typography>
          {phases.map(p => (
            <Typography key={p.phase} variant="caption">
              {t('timeline.phaseLine', {
                phase: t(PHASE_LABELS[p.phase]),
                duration: formatSeconds(t, p.seconds),
              })}
            </Typography>
          ))}
        </Stack>
      }
    >
      <Stack
        spacing={0.25}
        data-testid="preview-timeline"
        aria-label={label}
        role="img"
        tabIndex={0}
      >
        <Box
          sx={{
            display: 'flex',
            width: 120,
            height: 6,
            borderRadius: 1,
            overflow: 'hidden',
            bgcolor: 'action.hover',
          }}
        >
          {phases.map(p => (
            <Box
              key={p.phase}
              data-testid={`preview-timeline-${p.phase}`}
              data-seconds={p.seconds}
              // A phase of no measurable time still shows as a sliver.
              sx={{
                flexGrow: total ? p.seconds / total : 1,
                flexBasis: 0,
                minWidth: 2,
                bgcolor: PHASE_COLORS[p.phase],
              }}
            />
          ))}
        </Box>
        <Typography
          variant="caption"
          color="text.secondary"
          sx={{ whiteSpace: 'nowrap' }}
        >
          {readyIn}
        </Typography>
      </Stack>
    </Tooltip>
  );
}
