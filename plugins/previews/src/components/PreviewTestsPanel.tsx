import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Preview,
  PreviewTestStatus,
} from '@backstage-previews/plugin-previews-common';
import { useState } from 'react';
import { previewsApiRef } from '../api/PreviewsApi';
import { previewsTranslationRef, PreviewsT } from '../translation';
import { errorMessage } from './format';

const COLOUR: Record<
  PreviewTestStatus,
  'default' | 'info' | 'success' | 'error'
> = {
  pending: 'default',
  running: 'info',
  passed: 'success',
  failed: 'error',
};

const TRIGGER = {
  create: 'tests.trigger.create',
  redeploy: 'tests.trigger.redeploy',
  reseed: 'tests.trigger.reseed',
  rerun: 'tests.trigger.rerun',
} as const;

/** Why Re-run is disabled; undefined when it is not. */
function rerunDenied(
  t: PreviewsT,
  canUpdate: boolean,
  ended: boolean,
): string | undefined {
  if (!canUpdate) return t('permissions.updateDenied');
  if (!ended) return t('tests.notEnded');
  return undefined;
}

/**
 * The latest smoke test run of a preview: each test's result with its
 * message, a link to its log, and Re-run (update permission, once the run
 * ended).
 */
export function PreviewTestsPanel(props: {
  preview: Preview;
  canUpdate: boolean;
  onChanged: (preview: Preview) => void;
  /** Opens the Logs panel on a container (`pod/container`). */
  onShowLog: (choice: string) => void;
}) {
  const { preview, canUpdate } = props;
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const tests = preview.tests;
  if (!tests) return null;
  const ended = tests.status === 'passed' || tests.status === 'failed';
  const rerun = async () => {
    setBusy(true);
    setError(undefined);
    try {
      props.onChanged(await previewsApi.rerunPreviewTests(preview.id));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const why = rerunDenied(t, canUpdate, ended);
  return (
    <Box data-testid="preview-tests">
      <Stack direction="row" spacing={1} alignItems="center" sx={{ mb: 1 }}>
        <Chip size="small" label={tests.status} color={COLOUR[tests.status]} />
        <Typography variant="body2" color="text.secondary">
          {t('tests.run', {
            run: String(tests.run),
            trigger: t(TRIGGER[tests.trigger]),
          })}
          {tests.sha
            ? ` · ${t('common.commit', { sha: tests.sha.slice(0, 7) })}`
            : ''}
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        <Button
          size="small"
          variant="outlined"
          disabled={!!why || busy}
          title={why}
          onClick={rerun}
        >
          {t('tests.rerun')}
        </Button>
      </Stack>
      {error && (
        <Alert
          severity="error"
          sx={{ mb: 1 }}
          onClose={() => setError(undefined)}
        >
          {error}
        </Alert>
      )}
      <Stack spacing={1}>
        {tests.results.map(r => (
          <Box key={r.name} data-testid={`preview-test-${r.name}`}>
            <Stack direction="row" spacing={1} alignItems="center">
              <Chip
                size="small"
                variant="outlined"
                label={r.status}
                color={COLOUR[r.status]}
              />
              <Typography variant="body2">
                <strong>{r.name}</strong>
                {r.seconds !== undefined
                  ? ` ${t('tests.duration', { seconds: String(r.seconds) })}`
                  : ''}
              </Typography>
              {r.pod && r.container && (
                <Button
                  size="small"
                  onClick={() => props.onShowLog(`${r.pod}/${r.container}`)}
                >
                  {t('tests.log')}
                </Button>
              )}
            </Stack>
            {r.message && (
              <Box
                component="pre"
                sx={{
                  m: 0,
                  mt: 0.5,
                  p: 1,
                  fontSize: 12,
                  whiteSpace: 'pre-wrap',
                  wordBreak: 'break-word',
                  bgcolor: 'action.hover',
                  borderRadius: 1,
                }}
              >
                {r.message}
              </Box>
            )}
          </Box>
        ))}
      </Stack>
    </Box>
  );
}
