import type {
  KubernetesObject,
  V1Deployment,
  V1Ingress,
  V1Namespace,
  V1Service,
} from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { slugify } from '../../naming/previewName';
import {
  BRANCH_ANNOTATION,
  ENTITY_REF_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PREVIEW_ID_LABEL,
  PREVIEW_NAME_LABEL,
} from './labels';

/** Name of the preview's workload, Service and Ingress inside its namespace. */
export const WORKLOAD_NAME = 'app';

/** Cluster-specific choices that are not part of a component's spec. */
export interface RenderOptions {
  /** `spec.ingressClassName` of the Ingress; the cluster default when unset. */
  ingressClassName?: string;
}

/** Image tags allow `[A-Za-z0-9_.-]`, at most 128 characters. */
export function renderImage(template: string, branch: string): string {
  return template.replace(/\{branch\}/g, slugify(branch, 128) || 'unnamed');
}

function labelsFor(d: PreviewDeployment): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [PREVIEW_ID_LABEL]: d.previewId,
    [PREVIEW_NAME_LABEL]: d.name,
  };
}

function annotationsFor(d: PreviewDeployment): Record<string, string> {
  return { [ENTITY_REF_ANNOTATION]: d.entityRef, [BRANCH_ANNOTATION]: d.branch };
}

/**
 * Every object of a preview, in apply order (namespace first). Pure: the same
 * deployment always gives the same objects.
 */
export function renderPreviewObjects(
  d: PreviewDeployment,
  options: RenderOptions = {},
): KubernetesObject[] {
  const labels = labelsFor(d);
  const annotations = annotationsFor(d);
  const meta = (name: string) => ({ name, namespace: d.name, labels, annotations });
  const podLabels = { ...labels, 'app.kubernetes.io/name': WORKLOAD_NAME };
  const selector = { [PREVIEW_NAME_LABEL]: d.name, 'app.kubernetes.io/name': WORKLOAD_NAME };

  const namespace: V1Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: d.name, labels, annotations },
  };

  const env = Object.entries(d.spec.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  env.push({ name: 'PREVIEW_NAME', value: d.name });
  if (d.host) env.push({ name: 'PREVIEW_HOST', value: d.host });

  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(WORKLOAD_NAME),
    spec: {
      replicas: d.spec.replicas ?? 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: podLabels, annotations },
        spec: {
          containers: [
            {
              name: WORKLOAD_NAME,
              image: renderImage(d.spec.image, d.branch),
              // Older apiservers reject apply of ports without an explicit protocol.
              ports: [{ name: 'http', containerPort: d.spec.port, protocol: 'TCP' }],
              env,
            },
          ],
        },
      },
    },
  };

  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(WORKLOAD_NAME),
    spec: {
      selector,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };

  const objects: KubernetesObject[] = [namespace, deployment, service];
  if (d.host) {
    const ingress: V1Ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(WORKLOAD_NAME),
      spec: {
        ...(options.ingressClassName ? { ingressClassName: options.ingressClassName } : {}),
        rules: [
          {
            host: d.host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: WORKLOAD_NAME, port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    };
    objects.push(ingress);
  }
  return objects;
}
