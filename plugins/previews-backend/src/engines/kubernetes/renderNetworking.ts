import type { V1Ingress, V1NetworkPolicy } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import {
  PreviewSpec,
  PreviewWorkloadSpec,
} from '@backstage-previews/plugin-previews-common';
import { objectMeta } from './renderMetadata';
import { PORT_NAME } from './renderWorkloads';

export const INGRESS_NAME = 'preview';
export const NETWORK_POLICY_NAME = 'preview-isolation';
/** Namespaces whose pods may reach previews by default: the ingress-nginx controller's. */
export const DEFAULT_INGRESS_NAMESPACE_SELECTOR: Readonly<
  Record<string, string>
> = {
  'kubernetes.io/metadata.name': 'ingress-nginx',
};

/**
 * The workload the preview URL points to: the one named by `expose`, else
 * the first with a port; undefined when no workload has a port.
 */
export function exposedWorkload(
  spec: PreviewSpec,
): PreviewWorkloadSpec | undefined {
  if (spec.expose !== undefined) {
    const named = spec.workloads.find(w => w.name === spec.expose);
    return named?.port !== undefined ? named : undefined;
  }
  return spec.workloads.find(w => w.port !== undefined);
}

export function renderIngress(
  d: PreviewDeployment & { host: string },
  workload: PreviewWorkloadSpec,
  options: {
    ingressClassName?: string;
    annotations?: Record<string, string>;
    tlsSecretName?: string;
  } = {},
): V1Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: objectMeta(d, INGRESS_NAME, { annotations: options.annotations }),
    spec: {
      ...(options.ingressClassName
        ? { ingressClassName: options.ingressClassName }
        : {}),
      ...(options.tlsSecretName
        ? { tls: [{ hosts: [d.host], secretName: options.tlsSecretName }] }
        : {}),
      rules: [
        {
          host: d.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: { name: workload.name, port: { name: PORT_NAME } },
                },
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * Lets pods of the preview be reached only from its own namespace and from
 * the ingress controller's namespaces (previews routed to this one: see
 * renderDependentsPolicy; outgoing traffic: renderEgressPolicy).
 */
export function renderNetworkPolicy(
  d: PreviewDeployment,
  ingressNamespaceSelector: Record<string, string>,
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(d, NETWORK_POLICY_NAME),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          // `_from` is how the typed model spells `from`; the serializer renames it.
          _from: [
            { podSelector: {} },
            {
              namespaceSelector: {
                matchLabels: { ...ingressNamespaceSelector },
              },
            },
          ],
        },
      ],
    },
  };
}
