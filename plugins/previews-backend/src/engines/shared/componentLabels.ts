import { parseEntityRef } from '@backstage/catalog-model';
import {
  PreviewDeployment,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';
import { KUBERNETES_ID_LABEL, PART_OF_LABEL } from './labels';
import { isLabelValue } from '../../naming/labelValue';

/** A target, with the component's Kubernetes plugin id when the installation labels previews with it. */
export type LabelledTarget = PreviewTarget &
  Pick<PreviewDeployment, 'kubernetesId'>;

/**
 * Labels that name the component, on object metadata and on the pods of
 * workloads (whose templates may change): `part-of` the component, and
 * (opt-in) `backstage.io/kubernetes-id`, by which Backstage's Kubernetes
 * plugin finds them. A value that is no valid label value is left out. Not
 * on Job templates: adding them to an existing Job would be refused.
 */
export function componentLabels(t: LabelledTarget): Record<string, string> {
  const partOf = parseEntityRef(t.entityRef).name;
  return {
    ...(isLabelValue(partOf) && { [PART_OF_LABEL]: partOf }),
    ...(isLabelValue(t.kubernetesId) && {
      [KUBERNETES_ID_LABEL]: t.kubernetesId,
    }),
  };
}
