import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Preview,
  PreviewDependency,
  PreviewDependencyTargetOption,
} from '@backstage-previews/plugin-previews-common';
import { previewsApiRef } from '../api';
import { previewsTranslationRef, PreviewsT } from '../translation';
import { errorMessage, shortRef } from './format';

const TARGET_COLORS = {
  unresolved: 'warning',
  preview: 'primary',
  staging: 'default',
} as const;

/** How a dependency's target reads in the picture, e.g. `staging` or `preview pr-42`. */
export function describeTarget(
  t: PreviewsT,
  dependency: PreviewDependency,
): string {
  switch (dependency.target) {
    case 'staging':
      return t('dependencies.staging');
    case 'preview':
      return t('dependencies.preview', {
        name:
          dependency.previewName ??
          dependency.branch ??
          dependency.previewId ??
          '',
      }).trim();
    default:
      return t('dependencies.unresolved');
  }
}

/** The value of a target in the dropdown. */
function optionValue(o: { target: string; previewId?: string }): string {
  return o.target === 'preview' ? `preview:${o.previewId}` : o.target;
}

function optionLabel(t: PreviewsT, o: PreviewDependencyTargetOption): string {
  if (o.target === 'staging') {
    return o.url
      ? t('dependencies.stagingAt', { url: o.url })
      : t('dependencies.stagingWithoutUrl');
  }
  const pr = o.pullRequest ? ` #${o.pullRequest.number}` : '';
  return t('dependencies.previewOption', {
    name: String(o.name ?? o.previewId),
    details: `${o.branch ?? ''}${pr}${o.status ? `, ${o.status}` : ''}`,
  });
}

/** Props of {@link DependencyTargetSelect}. */
interface DependencyTargetSelectProps {
  preview: Preview;
  dependency: PreviewDependency;
  disabledReason?: string;
  onRerouted: (preview: Preview) => void;
}

/**
 * A dropdown of where one dependency can point: staging and the dependency
 * component's live previews (loaded when opened). Choosing one reroutes it.
 */
function DependencyTargetSelect(props: DependencyTargetSelectProps) {
  const { preview, dependency, disabledReason, onRerouted } = props;
  const previewsApi = useApi(previewsApiRef);
  const { t } = useTranslationRef(previewsTranslationRef);
  const [options, setOptions] = useState<
    PreviewDependencyTargetOption[] | undefined
  >();
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const name = shortRef(dependency.entityRef);
  const id = `dependency-target-${preview.id}-${name}`.replace(
    /[^A-Za-z0-9_-]/g,
    '-',
  );

  const load = async () => {
    setLoading(true);
    setError(undefined);
    try {
      const res = await previewsApi.listDependencyTargets(
        preview.id,
        dependency.entityRef,
      );
      setOptions(res.items);
    } catch (e) {
      setError(t('dependencies.listFailed', { name, error: errorMessage(e) }));
    } finally {
      setLoading(false);
    }
  };

  const change = async (value: string) => {
    if (value === optionValue(dependency)) return;
    setSaving(true);
    setError(undefined);
    try {
      const request = value.startsWith('preview:')
        ? {
            target: 'preview' as const,
            previewId: value.slice('preview:'.length),
          }
        : { target: 'staging' as const };
      onRerouted(
        await previewsApi.rerouteDependency(
          preview.id,
          dependency.entityRef,
          request,
        ),
      );
    } catch (e) {
      setError(
        t('dependencies.rerouteFailed', { name, error: errorMessage(e) }),
      );
    } finally {
      setSaving(false);
    }
  };

  // The current target is always an option, even before the list is loaded.
  const current = optionValue(dependency);
  const shownOptions: Array<{ value: string; label: string }> =
    options?.map(o => ({ value: optionValue(o), label: optionLabel(t, o) })) ??
    [];
  if (
    dependency.target !== 'unresolved' &&
    !shownOptions.some(o => o.value === current)
  ) {
    shownOptions.unshift({
      value: current,
      label: describeTarget(t, dependency),
    });
  }

  return (
    <Box>
      <FormControl
        size="small"
        sx={{ minWidth: 280, maxWidth: '100%' }}
        disabled={Boolean(disabledReason) || saving}
      >
        <InputLabel id={`${id}-label`}>
          {t('dependencies.targetOf', { name })}
        </InputLabel>
        <Select
          labelId={`${id}-label`}
          id={id}
          label={t('dependencies.targetOf', { name })}
          value={dependency.target === 'unresolved' ? '' : current}
          onOpen={() => load()}
          onChange={e => change(String(e.target.value))}
          data-testid={`dependency-select-${name}`}
          title={disabledReason}
        >
          {loading && (
            <MenuItem disabled value="__loading">
              <CircularProgress size={14} sx={{ mr: 1 }} />{' '}
              {t('dependencies.loadingTargets')}
            </MenuItem>
          )}
          {shownOptions.map(o => (
            <MenuItem key={o.value} value={o.value}>
              {o.label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {saving && (
        <Typography variant="caption" sx={{ ml: 1 }} role="status">
          <CircularProgress size={12} sx={{ mr: 0.5 }} />{' '}
          {t('dependencies.rerouting')}
        </Typography>
      )}
      {error && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="dependency-error">
          {error}
        </Alert>
      )}
    </Box>
  );
}

/** A component's name in a chip: a link in the chip's own colour. */
function ComponentLink(props: { entityRef: string }) {
  return (
    <EntityRefLink
      entityRef={props.entityRef}
      defaultKind="component"
      hideIcon
      color="inherit"
    />
  );
}

/** Props of {@link DependencyWiring}. */
export interface DependencyWiringProps {
  preview: Preview;
  /** Why rerouting is not possible now (permission or state); the dropdowns are disabled. */
  disabledReason?: string;
  onRerouted: (preview: Preview) => void;
}

/**
 * Where the dependencies of a preview point, as a small picture
 * (`shop -> orders-api (staging)`), with a dropdown per dependency to point
 * it elsewhere. A reroute rolls the preview out again, which its status shows.
 */
export function DependencyWiring(props: DependencyWiringProps) {
  const { preview, disabledReason, onRerouted } = props;
  const { t } = useTranslationRef(previewsTranslationRef);
  const dependencies = preview.dependencies ?? [];
  if (dependencies.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {t('dependencies.none')}
      </Typography>
    );
  }
  return (
    <Stack spacing={1.5} data-testid="dependency-wiring">
      {dependencies.map(d => (
        <Stack
          key={d.entityRef}
          spacing={1}
          data-testid={`dependency-${shortRef(d.entityRef)}`}
        >
          <Stack
            direction="row"
            spacing={1}
            alignItems="center"
            flexWrap="wrap"
            useFlexGap
          >
            <Chip
              size="small"
              label={<ComponentLink entityRef={preview.entityRef} />}
            />
            <ArrowForwardIcon
              fontSize="small"
              titleAccess={t('dependencies.dependsOn')}
            />
            <Chip
              size="small"
              variant="outlined"
              color={TARGET_COLORS[d.target]}
              label={
                <>
                  <ComponentLink entityRef={d.entityRef} />
                  {` (${describeTarget(t, d)})`}
                </>
              }
              data-testid="dependency-target"
            />
            <Typography
              variant="caption"
              color="text.secondary"
              sx={{ overflowWrap: 'anywhere' }}
            >
              {d.env}
              {d.url ? ` = ${d.url}` : ''}
            </Typography>
          </Stack>
          <DependencyTargetSelect
            preview={preview}
            dependency={d}
            disabledReason={disabledReason}
            onRerouted={onRerouted}
          />
          {d.message && (
            <Typography
              variant="caption"
              color={
                d.target === 'unresolved' ? 'warning.main' : 'text.secondary'
              }
              data-testid="dependency-message"
            >
              {d.message}
            </Typography>
          )}
        </Stack>
      ))}
    </Stack>
  );
}
