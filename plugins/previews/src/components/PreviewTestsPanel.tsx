import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Alert, Button, Flex, Text } from '@backstage/ui';
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
 * ended). Backstage UI for its layout, text, buttons and alert; the status
 * chips stay Material UI's, whose colours Backstage UI's badge lacks.
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
    <div data-testid="preview-tests">
      <Flex align="center" gap="2" mb="2">
        <Chip size="small" label={tests.status} color={COLOUR[tests.status]} />
        <Text variant="body-small" color="secondary">
          {t('tests.run', {
            run: String(tests.run),
            trigger: t(TRIGGER[tests.trigger]),
          })}
          {tests.sha
            ? ` · ${t('common.commit', { sha: tests.sha.slice(0, 7) })}`
            : ''}
        </Text>
        <Box sx={{ flexGrow: 1 }} />
        {/* the reason on hover: Backstage UI's button passes no title on */}
        <span title={why}>
          <Button
            size="small"
            variant="secondary"
            isDisabled={!!why}
            isPending={busy}
            onPress={rerun}
          >
            {t('tests.rerun')}
          </Button>
        </span>
      </Flex>
      {error && (
        <Alert
          role="alert"
          status="danger"
          mb="2"
          title={error}
          customActions={
            <Button
              size="small"
              variant="tertiary"
              onPress={() => setError(undefined)}
            >
              {t('common.close')}
            </Button>
          }
        />
      )}
      <Flex direction="column" gap="2">
        {tests.results.map(r => (
          <div key={r.name} data-testid={`preview-test-${r.name}`}>
            <Flex align="center" gap="2">
              <Chip
                size="small"
                variant="outlined"
                label={r.status}
                color={COLOUR[r.status]}
              />
              <Text variant="body-small">
                <strong>{r.name}</strong>
                {r.seconds !== undefined
                  ? ` ${t('tests.duration', { seconds: String(r.seconds) })}`
                  : ''}
              </Text>
              {r.pod && r.container && (
                <Button
                  size="small"
                  variant="tertiary"
                  onPress={() => props.onShowLog(`${r.pod}/${r.container}`)}
                >
                  {t('tests.log')}
                </Button>
              )}
            </Flex>
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
          </div>
        ))}
      </Flex>
    </div>
  );
}
