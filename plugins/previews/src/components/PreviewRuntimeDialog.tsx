import { useCallback, useEffect, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Preview,
  PreviewClusterEvent,
  PreviewContainer,
  PreviewPod,
} from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef, PreviewsT } from '../translation';
import { errorMessage, formatDateTime } from './format';

/** `pod/container`: one choice of the Logs panel. */
const choiceOf = (pod: PreviewPod, c: PreviewContainer) =>
  `${pod.name}/${c.name}`;

/** What a container is doing, in a few words: `waiting: CrashLoopBackOff (exit 3, 4 restarts)`. */
export function containerState(t: PreviewsT, c: PreviewContainer): string {
  const details = [
    c.exitCode !== undefined
      ? t('runtime.exitCode', { code: String(c.exitCode) })
      : '',
    c.restarts ? t('runtime.restarts', { count: c.restarts }) : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${c.state}${c.reason ? `: ${c.reason}` : ''}${
    details ? ` (${details})` : ''
  }`;
}

/**
 * The preview's Logs and Events: a container's log (init containers, seed
 * and migrate steps and crashed runs included) that follows new lines as
 * they come and can be downloaded, the namespace's events, and Restart for
 * a workload.
 */
export function PreviewRuntimeDialog(props: {
  preview: Preview;
  open: boolean;
  canUpdate: boolean;
  onClose: () => void;
  /** The container whose log shows first (`pod/container`), e.g. a smoke test's. */
  initialChoice?: string;
}) {
  const { preview, open, canUpdate, onClose, initialChoice } = props;
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const [tab, setTab] = useState<'logs' | 'events'>('logs');
  const [pods, setPods] = useState<PreviewPod[]>([]);
  const [choice, setChoice] = useState('');
  const [previous, setPrevious] = useState(false);
  const [text, setText] = useState('');
  const [events, setEvents] = useState<PreviewClusterEvent[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const logBox = useRef<HTMLPreElement>(null);

  const loadPods = useCallback(() => {
    previewsApi
      .listPreviewPods(preview.id)
      .then(items => {
        setPods(items);
        setChoice(current => {
          const exists = (c: string | undefined) =>
            !!c &&
            items.some(p => p.containers.some(x => choiceOf(p, x) === c));
          // Opened for one container (a smoke test's Logs): that one, else what was chosen before.
          if (exists(initialChoice)) return initialChoice!;
          if (exists(current)) return current;
          const first = items[0];
          const container =
            first?.containers.find(c => !c.init) ?? first?.containers[0];
          return first && container ? choiceOf(first, container) : '';
        });
      })
      .catch(e => setError(errorMessage(e)));
  }, [previewsApi, preview.id, initialChoice]);

  useEffect(() => {
    if (open) loadPods();
  }, [open, loadPods]);

  // The chosen container's log, followed while the dialog shows it.
  useEffect(() => {
    if (!open || tab !== 'logs' || !choice) return undefined;
    const [pod, container] = choice.split('/');
    const aborted = new AbortController();
    setText('');
    setError(undefined);
    previewsApi
      .streamPreviewLogs(
        preview.id,
        { pod, container, previous, follow: !previous, tailLines: 5000 },
        chunk => setText(shownText => shownText + chunk),
        aborted.signal,
      )
      .catch(e => !aborted.signal.aborted && setError(errorMessage(e)));
    return () => aborted.abort();
  }, [previewsApi, preview.id, open, tab, choice, previous]);

  useEffect(() => {
    if (logBox.current) logBox.current.scrollTop = logBox.current.scrollHeight;
  }, [text]);

  useEffect(() => {
    if (!open || tab !== 'events') return;
    previewsApi
      .listPreviewClusterEvents(preview.id)
      .then(setEvents)
      .catch(e => setError(errorMessage(e)));
  }, [previewsApi, preview.id, open, tab]);

  const [podName, containerName] = choice.split('/');
  const pod = pods.find(p => p.name === podName);
  const container = pod?.containers.find(c => c.name === containerName);

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${choice.replace('/', '-')}${
      previous ? '-previous' : ''
    }.log`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const restart = async () => {
    if (!pod?.of) return;
    try {
      await previewsApi.restartPreviewWorkload(preview.id, pod.of);
      setNotice(t('runtime.restarting', { workload: pod.of }));
      setTimeout(loadPods, 2000);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby="preview-runtime-title"
    >
      <DialogTitle id="preview-runtime-title">
        {t('runtime.title', { name: preview.name })}
      </DialogTitle>
      <DialogContent>
        <Tabs value={tab} onChange={(_, v) => setTab(v)} sx={{ mb: 2 }}>
          <Tab value="logs" label={t('runtime.logs')} />
          <Tab value="events" label={t('runtime.events')} />
        </Tabs>
        {error && (
          <Alert severity="warning" sx={{ mb: 1 }}>
            {error}
          </Alert>
        )}
        {notice && (
          <Alert
            severity="info"
            sx={{ mb: 1 }}
            onClose={() => setNotice(undefined)}
          >
            {notice}
          </Alert>
        )}
        {tab === 'logs' && (
          <Stack spacing={1}>
            <Stack
              direction="row"
              spacing={1}
              alignItems="center"
              flexWrap="wrap"
              useFlexGap
            >
              <TextField
                select
                size="small"
                label={t('runtime.container')}
                value={choice}
                onChange={e => {
                  setPrevious(false);
                  setChoice(e.target.value);
                }}
                sx={{ minWidth: 360 }}
                inputProps={{ 'aria-label': t('runtime.container') }}
              >
                {pods.flatMap(p =>
                  p.containers.map(c => (
                    <MenuItem key={choiceOf(p, c)} value={choiceOf(p, c)}>
                      {p.of ?? p.name} · {c.name}
                      {c.init ? ` ${t('runtime.init')}` : ''} —{' '}
                      {containerState(t, c)}
                    </MenuItem>
                  )),
                )}
              </TextField>
              <FormControlLabel
                control={
                  <Checkbox
                    checked={previous}
                    disabled={!container?.hasPrevious}
                    onChange={e => setPrevious(e.target.checked)}
                  />
                }
                label={t('runtime.previousRun')}
              />
              <Button size="small" onClick={loadPods}>
                {t('runtime.refresh')}
              </Button>
              <Button size="small" onClick={download} disabled={!text}>
                {t('runtime.download')}
              </Button>
              {pod?.role === 'workload' && (
                <Button
                  size="small"
                  color="warning"
                  onClick={restart}
                  disabled={!canUpdate}
                  title={canUpdate ? undefined : t('permissions.updateDenied')}
                >
                  {t('runtime.restart', { workload: pod.of ?? '' })}
                </Button>
              )}
            </Stack>
            {container && (
              <Typography
                variant="caption"
                color="text.secondary"
                data-testid="preview-container-state"
              >
                {pod?.name} · {containerState(t, container)} ·{' '}
                {previous
                  ? t('runtime.showingPrevious')
                  : t('runtime.following')}
              </Typography>
            )}
            <Box
              component="pre"
              ref={logBox}
              data-testid="preview-log"
              sx={{
                m: 0,
                p: 1,
                height: 420,
                overflow: 'auto',
                bgcolor: 'action.hover',
                fontSize: 12,
                whiteSpace: 'pre-wrap',
                wordBreak: 'break-all',
              }}
            >
              {text || (choice ? '' : t('runtime.noPods'))}
            </Box>
          </Stack>
        )}
        {tab === 'events' && (
          <Box
            data-testid="preview-cluster-events"
            sx={{ maxHeight: 480, overflow: 'auto' }}
          >
            {events.length === 0 && (
              <Typography variant="body2">{t('runtime.noEvents')}</Typography>
            )}
            {events.map((e, i) => (
              <Typography
                key={`${e.at}-${i}`}
                variant="body2"
                color={e.type === 'Warning' ? 'warning.main' : undefined}
                sx={{ fontFamily: 'monospace', fontSize: 12 }}
              >
                {formatDateTime(e.at)} {e.type} {e.reason} {e.object}
                {e.count > 1 ? ` (×${e.count})` : ''}: {e.message}
              </Typography>
            ))}
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
