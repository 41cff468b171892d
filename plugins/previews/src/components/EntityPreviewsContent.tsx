import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Tooltip from '@mui/material/Tooltip';
import AddIcon from '@mui/icons-material/Add';
import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useLocation } from 'react-router-dom';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  DEFAULT_IDLE_POLL_INTERVAL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  usePreviews,
} from '../hooks/usePreviews';
import { usePreviewPermissions } from '../hooks/usePreviewPermissions';
import { previewsTranslationRef } from '../translation';
import { CreatePreviewDialog } from './CreatePreviewDialog';
import { isBackendMissing } from './PreviewsLoadError';
import { PreviewsEmptyState } from './PreviewsEmptyState';
import { PreviewsTable } from './PreviewsTable';
import { PreviewsListState } from './PreviewsListState';
import { usePreviewRowActions } from './usePreviewRowActions';

/**
 * Props of {@link EntityPreviewsContent}.
 *
 * @public
 */
export interface EntityPreviewsContentProps {
  /** How often to refresh while a preview is changing state; 2 s by default. */
  pollIntervalMs?: number;
  /** How often to refresh while nothing is changing; 30 s by default. */
  idlePollIntervalMs?: number;
}

/** Re-renders every `intervalMs` so that relative times stay current. */
export function useNow(intervalMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Annotations by which Backstage's Kubernetes plugin shows an entity's Kubernetes tab. */
const KUBERNETES_ANNOTATIONS = [
  'backstage.io/kubernetes-id',
  'backstage.io/kubernetes-label-selector',
];

/**
 * The entity's Kubernetes tab, a sibling of this tab, when the Kubernetes
 * plugin shows one for it (it lists the previews' objects when the backend
 * labels them with `backstage.io/kubernetes-id`).
 */
function useKubernetesTabUrl(entity: Entity): string | undefined {
  const { pathname } = useLocation();
  const annotations = entity.metadata.annotations ?? {};
  if (!KUBERNETES_ANNOTATIONS.some(a => annotations[a])) return undefined;
  return `${pathname.replace(/\/+$/, '').replace(/\/[^/]*$/, '')}/kubernetes`;
}

/**
 * The Previews tab of a catalog entity: its preview environments, live, with
 * every action on them.
 *
 * @public
 */
export function EntityPreviewsContent(props: EntityPreviewsContentProps) {
  const {
    pollIntervalMs = DEFAULT_POLL_INTERVAL_MS,
    idlePollIntervalMs = DEFAULT_IDLE_POLL_INTERVAL_MS,
  } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const kubernetesTabUrl = useKubernetesTabUrl(entity);
  const { previews, loading, error, refresh } = usePreviews(
    entityRef,
    pollIntervalMs,
    idlePollIntervalMs,
  );
  const permissions = usePreviewPermissions(entityRef);
  const tick = useNow(30_000);
  const [creating, setCreating] = useState(false);
  const { handlers, alert, dialogs } = usePreviewRowActions(refresh);

  // Times are relative to the last render caused by data or by the clock.
  const now = new Date(Math.max(tick.getTime(), Date.now()));

  // without the backend plugin a creation could only fail with a 404
  const backendMissing = !previews && !!error && isBackendMissing(error);
  const canCreate =
    permissions.create && !permissions.loading && !backendMissing;
  let createTooltip: string = t('entityContent.createTooltip');
  if (backendMissing) createTooltip = t('loadError.backendMissing');
  else if (permissions.loading) createTooltip = t('permissions.checking');
  else if (!permissions.create) createTooltip = t('permissions.createDenied');

  return (
    <>
      <InfoCard
        title={t('entityContent.title')}
        subheader={t('entityContent.subheader')}
        action={
          <Box sx={{ pt: 1, pr: 1 }}>
            <Tooltip title={createTooltip}>
              <span>
                <Button
                  variant="contained"
                  startIcon={<AddIcon />}
                  onClick={() => setCreating(true)}
                  disabled={!canCreate}
                >
                  {t('entityContent.createButton')}
                </Button>
              </span>
            </Tooltip>
          </Box>
        }
      >
        <PreviewsListState
          {...{ previews, loading, error, alert }}
          isEmpty={!previews?.length}
          empty={<PreviewsEmptyState />}
          testId="previews-content"
        >
          <PreviewsTable
            previews={previews ?? []}
            now={now}
            kubernetesTabUrl={kubernetesTabUrl}
            {...handlers}
          />
        </PreviewsListState>
      </InfoCard>
      <CreatePreviewDialog
        open={creating}
        entityRef={entityRef}
        dependencies={dependencyRefsOf(entity)}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          refresh();
        }}
      />
      {dialogs}
    </>
  );
}

/** The components this entity depends on in the catalog (its likely preview dependencies). */
function dependencyRefsOf(
  entity: ReturnType<typeof useEntity>['entity'],
): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === 'dependsOn' && r.targetRef.startsWith('component:'))
    .map(r => r.targetRef);
}
