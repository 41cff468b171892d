import type { V1ObjectMeta } from '@kubernetes/client-node';
import { PreviewTarget } from '@backstage-previews/plugin-previews-node';
import {
  APP_NAME_LABEL,
  BRANCH_ANNOTATION,
  ENTITY_REF_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PREVIEW_ID_LABEL,
  PREVIEW_NAME_LABEL,
  WORKLOAD_LABEL,
} from '../shared/labels';
import { componentLabels, LabelledTarget } from '../shared/componentLabels';

/**
 * Labels on every object of a preview, and on pod templates that cannot
 * change once created (Jobs, volume claims): they stay exactly these.
 */
export function previewLabels(t: PreviewTarget): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [PREVIEW_ID_LABEL]: t.previewId,
    [PREVIEW_NAME_LABEL]: t.name,
  };
}

/** Annotations on every object of a preview. */
export function previewAnnotations(t: PreviewTarget): Record<string, string> {
  return {
    [ENTITY_REF_ANNOTATION]: t.entityRef,
    [BRANCH_ANNOTATION]: t.branch,
  };
}

/** Labels that tell one workload's objects and pods apart. */
export function workloadLabels(workload: string): Record<string, string> {
  return { [APP_NAME_LABEL]: workload, [WORKLOAD_LABEL]: workload };
}

/**
 * Selects the pods of one workload. Kept to these two labels because a
 * Deployment's selector cannot change (previews of the single-workload
 * version used the same labels for their workload `app`).
 */
export function workloadSelector(
  t: PreviewTarget,
  workload: string,
): Record<string, string> {
  return { [PREVIEW_NAME_LABEL]: t.name, [APP_NAME_LABEL]: workload };
}

/** Metadata of an object in the preview's namespace; fresh objects on every call. */
export function objectMeta(
  t: LabelledTarget,
  name: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): V1ObjectMeta {
  return {
    name,
    namespace: t.name,
    labels: { ...previewLabels(t), ...componentLabels(t), ...extra.labels },
    annotations: { ...extra.annotations, ...previewAnnotations(t) },
  };
}
