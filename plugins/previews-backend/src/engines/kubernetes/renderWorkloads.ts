import type {
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1EnvFromSource,
  V1ResourceRequirements,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import {
  PreviewSpec,
  PreviewWorkloadSpec,
} from '@backstage-previews/plugin-previews-common';
import { renderImage } from '../../spec/renderImage';
import {
  CONFIG_HASH_ANNOTATION,
  SECRETS_HASH_ANNOTATION,
  ASLEEP_ANNOTATION,
} from '../shared/labels';
import {
  objectMeta,
  previewAnnotations,
  previewLabels,
  workloadLabels,
  workloadSelector,
} from './renderMetadata';
import { quantityValue } from '../shared/quantities';
import { componentLabels } from '../shared/componentLabels';

/** The service account every pod of a preview runs as. */
export const SERVICE_ACCOUNT_NAME = 'preview';

/**
 * What every pod of a preview shares: its service account without a mounted
 * token, no service links (they add variables for every Service of the
 * namespace, which could shadow the workload's own), the spec's node
 * placement, and its image pull secrets (database servers and seed Jobs may
 * use private images too).
 */
export function previewPodBasics(
  spec: Pick<PreviewSpec, 'nodeSelector' | 'tolerations' | 'imagePullSecrets'>,
) {
  return {
    serviceAccountName: SERVICE_ACCOUNT_NAME,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(spec.nodeSelector ? { nodeSelector: { ...spec.nodeSelector } } : {}),
    ...(spec.tolerations
      ? { tolerations: spec.tolerations.map(t => ({ ...t })) }
      : {}),
    ...(spec.imagePullSecrets?.length
      ? { imagePullSecrets: spec.imagePullSecrets.map(name => ({ name })) }
      : {}),
  };
}
/** A container's `securityContext` running it as `uid`; nothing when the image's own user stands. */
export function containerUser(
  uid: number | undefined,
): Pick<V1Container, 'securityContext'> {
  return uid !== undefined ? { securityContext: { runAsUser: uid } } : {};
}

/** The uid the spec gives a workload's containers (its app and its migrate step). */
export function workloadUser(
  w: PreviewWorkloadSpec,
): Pick<V1Container, 'securityContext'> {
  return containerUser(w.runAsUser);
}

/** Name of the port of every workload's container and Service. */
export const PORT_NAME = 'http';
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 300;

/** Name of the ConfigMap holding a workload's environment. */
export function envConfigMapName(workload: string): string {
  return `${workload}-env`;
}

/** Copied secrets: what the engine read from each source secret. */
export type CopiedSecrets = Record<
  string,
  { type?: string; data?: Record<string, string> }
>;

function hashOf(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The container resources of a workload. A LimitRange gives containers
 * without a limit its default limit, and rejects them when their request is
 * higher: such a limit is raised to the request here.
 */
function containerResources(
  w: PreviewWorkloadSpec,
  defaultLimits: Record<string, string> | undefined,
): V1ResourceRequirements | undefined {
  const requests: Record<string, string> = { ...w.resources?.requests };
  const limits: Record<string, string> = { ...w.resources?.limits };
  for (const [resource, request] of Object.entries(requests)) {
    const defaultLimit = defaultLimits?.[resource];
    if (limits[resource] !== undefined || defaultLimit === undefined) continue;
    const r = quantityValue(request);
    const l = quantityValue(defaultLimit);
    if (r !== undefined && l !== undefined && r > l) limits[resource] = request;
  }
  const resources: V1ResourceRequirements = {};
  if (Object.keys(requests).length) resources.requests = requests;
  if (Object.keys(limits).length) resources.limits = limits;
  return Object.keys(resources).length ? resources : undefined;
}

export function renderServiceAccount(d: PreviewDeployment): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMeta(d, SERVICE_ACCOUNT_NAME),
    automountServiceAccountToken: false,
  };
}

/**
 * A workload's environment: its variables sorted by name, then the URLs of
 * the preview's dependencies (which win over a variable of the same name),
 * then the preview's own.
 */
export function workloadEnv(
  d: PreviewDeployment,
  w: PreviewWorkloadSpec,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(w.env ?? {}).sort()) env[key] = w.env![key];
  for (const dependency of d.dependencies ?? [])
    env[dependency.env] = dependency.url;
  env.PREVIEW_NAME = d.name;
  if (d.host) env.PREVIEW_HOST = d.host;
  // What the app was deployed from, as Heroku's review apps tell theirs.
  env.PREVIEW_BRANCH = d.branch;
  if (d.sha) env.PREVIEW_COMMIT = d.sha;
  return env;
}

export function renderEnvConfigMap(
  d: PreviewDeployment,
  w: PreviewWorkloadSpec,
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(d, envConfigMapName(w.name), {
      labels: workloadLabels(w.name),
    }),
    data: workloadEnv(d, w),
  };
}

export function renderDeployment(
  d: PreviewDeployment,
  w: PreviewWorkloadSpec,
  options: {
    progressDeadlineSeconds?: number;
    /** Default container limits of the namespace's LimitRange, when there is one. */
    defaultLimits?: Record<string, string>;
    copiedSecrets?: CopiedSecrets;
  } = {},
): V1Deployment {
  const envFrom: V1EnvFromSource[] = [
    { configMapRef: { name: envConfigMapName(w.name) } },
    ...(w.envFromSecrets ?? []).map(name => ({ secretRef: { name } })),
  ];
  const resources = containerResources(w, options.defaultLimits);
  const container: V1Container = {
    name: w.name,
    image: renderImage(w.image, {
      branch: d.branch,
      sha: d.sha,
      workload: w.name,
    }),
    ...(w.command ? { command: [...w.command] } : {}),
    ...(w.args ? { args: [...w.args] } : {}),
    // Apiservers up to v1.20 reject server-side apply of ports without a protocol.
    ...(w.port !== undefined
      ? { ports: [{ name: PORT_NAME, containerPort: w.port, protocol: 'TCP' }] }
      : {}),
    envFrom,
    ...workloadUser(w),
    ...(resources ? { resources } : {}),
    ...(w.readinessPath !== undefined && w.port !== undefined
      ? {
          readinessProbe: {
            httpGet: { path: w.readinessPath, port: PORT_NAME, scheme: 'HTTP' },
            periodSeconds: 5,
            failureThreshold: 3,
          },
        }
      : {}),
  };

  const podAnnotations: Record<string, string> = {
    ...previewAnnotations(d),
    [CONFIG_HASH_ANNOTATION]: hashOf(Object.entries(workloadEnv(d, w))),
  };
  if (w.envFromSecrets?.length) {
    podAnnotations[SECRETS_HASH_ANNOTATION] = hashOf(
      w.envFromSecrets.map(name => [
        name,
        options.copiedSecrets?.[name]?.data ?? null,
      ]),
    );
  }

  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(d, w.name, {
      labels: workloadLabels(w.name),
      ...(d.asleep ? { annotations: { [ASLEEP_ANNOTATION]: 'true' } } : {}),
    }),
    spec: {
      // A sleeping preview keeps its Deployments at zero replicas.
      replicas: d.asleep ? 0 : w.replicas ?? 1,
      progressDeadlineSeconds:
        options.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
      revisionHistoryLimit: 2,
      selector: { matchLabels: workloadSelector(d, w.name) },
      template: {
        metadata: {
          labels: {
            ...previewLabels(d),
            ...componentLabels(d),
            ...workloadLabels(w.name),
          },
          annotations: podAnnotations,
        },
        spec: {
          ...previewPodBasics(d.spec),
          containers: [container],
        },
      },
    },
  };
}

/** The Service of a workload with a port: port 80 to the container's port. */
export function renderService(
  d: PreviewDeployment,
  w: PreviewWorkloadSpec,
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(d, w.name, { labels: workloadLabels(w.name) }),
    spec: {
      type: 'ClusterIP',
      selector: workloadSelector(d, w.name),
      ports: [
        { name: PORT_NAME, port: 80, targetPort: PORT_NAME, protocol: 'TCP' },
      ],
    },
  };
}
