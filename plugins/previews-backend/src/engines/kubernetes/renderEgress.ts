import type {
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
} from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PREVIEW_NAME_LABEL,
} from '../shared/labels';
import { objectMeta } from './renderMetadata';
import { ipv4Number, strictlyWithin } from './ipv4Cidr';

export const EGRESS_POLICY_NAME = 'preview-egress';

/** Where a preview's pods may connect to, besides their namespace, DNS and their dependencies. */
export interface EgressOptions {
  /** Default `0.0.0.0/0`: anywhere outside the blocked ranges. */
  allowCidrs: string[];
  /**
   * Carved out of each allowed range they lie in. Default: link-local
   * (`169.254.0.0/16`, cloud metadata services); the engine adds the
   * apiserver's address.
   */
  blockCidrs: string[];
}

export const DEFAULT_EGRESS: Readonly<EgressOptions> = {
  allowCidrs: ['0.0.0.0/0'],
  blockCidrs: ['169.254.0.0/16'],
};

/** A fresh copy of {@link DEFAULT_EGRESS}, for options that may be changed. */
export function defaultEgress(): EgressOptions {
  return {
    allowCidrs: [...DEFAULT_EGRESS.allowCidrs],
    blockCidrs: [...DEFAULT_EGRESS.blockCidrs],
  };
}

/**
 * Outgoing traffic of every pod of the preview: its own namespace, DNS on
 * port 53, the previews it is routed to, and the allowed CIDRs minus the
 * blocked ones (metadata addresses, the apiserver). The workloads come from
 * the repository's spec at the PR head: this bounds where they can send
 * what they read.
 */
export function renderEgressPolicy(
  d: PreviewDeployment,
  options: EgressOptions,
): V1NetworkPolicy {
  const egress: V1NetworkPolicyEgressRule[] = [
    { to: [{ podSelector: {} }] },
    {
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ];
  const targets = [
    ...new Set(
      (d.dependencies ?? [])
        .map(dep => dep.previewName)
        .filter((n): n is string => !!n && n !== d.name),
    ),
  ];
  if (targets.length) {
    egress.push({
      to: targets.map(name => ({
        namespaceSelector: {
          matchLabels: {
            [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
            [PREVIEW_NAME_LABEL]: name,
          },
        },
      })),
    });
  }
  if (options.allowCidrs.length) {
    egress.push({
      to: options.allowCidrs.map(cidr => {
        const except = options.blockCidrs.filter(b => strictlyWithin(b, cidr));
        return { ipBlock: { cidr, ...(except.length ? { except } : {}) } };
      }),
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(d, EGRESS_POLICY_NAME),
    spec: { podSelector: {}, policyTypes: ['Egress'], egress },
  };
}

/**
 * `<ip>/32` of an apiserver URL whose host is an IPv4 address, else
 * undefined (a host name: its addresses go in `egress.blockCidrs`). In a
 * cluster, pods reach the apiserver at its endpoints' addresses, which
 * policies see after the Service's address is translated.
 */
export function apiserverCidr(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    const host = new URL(server).hostname;
    return ipv4Number(host) !== undefined ? `${host}/32` : undefined;
  } catch {
    return undefined;
  }
}
