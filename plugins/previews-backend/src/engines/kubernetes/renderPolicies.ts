import type { V1LimitRange, V1ResourceQuota } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { objectMeta } from './renderMetadata';

export const RESOURCE_QUOTA_NAME = 'preview-quota';
export const LIMIT_RANGE_NAME = 'preview-limits';

/** What a whole preview may use by default. */
export const DEFAULT_QUOTA_HARD: Readonly<Record<string, string>> = {
  'requests.cpu': '2',
  'requests.memory': '4Gi',
  'limits.cpu': '4',
  'limits.memory': '8Gi',
  pods: '20',
  // volumes too: the repo file chooses database sizes (each at most MAX_DATABASE_STORAGE)
  'requests.storage': '20Gi',
  persistentvolumeclaims: '4',
};

export const DEFAULT_CONTAINER_LIMIT: Readonly<Record<string, string>> = {
  cpu: '500m',
  memory: '512Mi',
};

export function renderResourceQuota(
  d: PreviewDeployment,
  hard: Record<string, string>,
): V1ResourceQuota {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: objectMeta(d, RESOURCE_QUOTA_NAME),
    spec: { hard: { ...hard } },
  };
}

export function renderLimitRange(
  d: PreviewDeployment,
  limits: {
    defaultRequest: Record<string, string>;
    default: Record<string, string>;
  },
): V1LimitRange {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: objectMeta(d, LIMIT_RANGE_NAME),
    spec: {
      limits: [
        {
          type: 'Container',
          defaultRequest: { ...limits.defaultRequest },
          _default: { ...limits.default },
        },
      ],
    },
  };
}
