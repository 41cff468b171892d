import type {
  V1LabelSelector,
  V1Namespace,
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1Pod,
} from '@kubernetes/client-node';

/*
 * The test node's NetworkPolicy enforcement, for ingress: the bridge CNI has
 * none, and no policy agent (Calico, Cilium, kube-router) is packaged here.
 * It follows the NetworkPolicy API's documented meaning:
 * - a pod selected by a policy of its namespace with policy type Ingress is
 *   isolated: only what some selecting policy's ingress rule admits reaches it;
 * - a rule without `from` admits every source, without `ports` every port;
 * - a peer is pods (podSelector, in the policy's namespace or in the namespaces
 *   namespaceSelector picks) or an ipBlock.
 * Left out: egress, ipBlock `except` (such a peer admits nothing here, stricter
 * than the API), endPort (not in v1.20). Traffic from the host (kubelet
 * probes, the Ingress proxy) does not cross the bridge's FORWARD path.
 */

/** The iptables-restore lines of one chain that the FORWARD traffic to pods goes through. Pure. */
export function ingressPolicyRules(
  chain: string,
  policies: Iterable<V1NetworkPolicy>,
  pods: Iterable<V1Pod>,
  namespaces: Iterable<V1Namespace>,
): string[] {
  const live = [...pods].filter(
    p =>
      p.status?.podIP &&
      !p.spec?.hostNetwork &&
      p.status.phase !== 'Succeeded' &&
      p.status.phase !== 'Failed',
  );
  const nsLabels = new Map(
    [...namespaces].map(n => [
      n.metadata?.name ?? '',
      n.metadata?.labels ?? {},
    ]),
  );
  const ingressPolicies = [...policies].filter(isIngressPolicy);
  const lines = [
    `-A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`,
  ];
  for (const pod of live) {
    const ns = pod.metadata?.namespace ?? '';
    const selecting = ingressPolicies.filter(
      p =>
        p.metadata?.namespace === ns &&
        matches(p.spec?.podSelector, pod.metadata?.labels),
    );
    if (!selecting.length) continue;
    const dest = `-d ${pod.status!.podIP}/32`;
    for (const policy of selecting) {
      for (const rule of policy.spec?.ingress ?? []) {
        const from = peersOf(rule);
        const sources = from?.length
          ? from.flatMap(peer => peerSources(peer, policy, live, nsLabels))
          : [''];
        const ports = rule.ports?.length
          ? rule.ports.flatMap(port => portMatch(port, pod))
          : [''];
        for (const source of sources)
          for (const port of ports)
            lines.push(`-A ${chain} ${dest}${source}${port} -j RETURN`);
      }
    }
    lines.push(
      `-A ${chain} ${dest} -p tcp -j REJECT --reject-with tcp-reset`,
      `-A ${chain} ${dest} -j REJECT`,
    );
  }
  return lines;
}

/** `from` as the apiserver sends it (watch events), `_from` as the client's list deserializes it. */
function peersOf(
  rule: V1NetworkPolicyIngressRule,
): V1NetworkPolicyPeer[] | undefined {
  return rule._from ?? (rule as { from?: V1NetworkPolicyPeer[] }).from;
}

function isIngressPolicy(p: V1NetworkPolicy): boolean {
  const types = p.spec?.policyTypes;
  // Without policyTypes, every policy isolates for ingress.
  return !types?.length || types.includes('Ingress');
}

/** The ` -s ...` parts a peer admits: one per source pod, or the ipBlock. */
function peerSources(
  peer: V1NetworkPolicyPeer,
  policy: V1NetworkPolicy,
  pods: V1Pod[],
  nsLabels: Map<string, Record<string, string>>,
): string[] {
  if (peer.ipBlock)
    return peer.ipBlock.except?.length ? [] : [` -s ${peer.ipBlock.cidr}`];
  const inNamespace = (ns: string) =>
    peer.namespaceSelector
      ? matches(peer.namespaceSelector, nsLabels.get(ns))
      : ns === policy.metadata?.namespace;
  return pods
    .filter(
      p =>
        inNamespace(p.metadata?.namespace ?? '') &&
        matches(peer.podSelector ?? {}, p.metadata?.labels),
    )
    .map(p => ` -s ${p.status!.podIP}/32`);
}

/** The ` -p ... --dport N` part of a rule's port; a named port is looked up in the destination pod. */
function portMatch(port: V1NetworkPolicyPort, pod: V1Pod): string[] {
  const protocol = (port.protocol ?? 'TCP').toLowerCase();
  if (port.port === undefined) return [` -p ${protocol}`];
  if (typeof port.port === 'number')
    return [` -p ${protocol} --dport ${port.port}`];
  const named = (pod.spec?.containers ?? [])
    .flatMap(c => c.ports ?? [])
    .find(p => p.name === port.port);
  return named ? [` -p ${protocol} --dport ${named.containerPort}`] : [];
}

/** Label selector semantics: every matchLabels pair and every expression hold; an empty selector matches all. */
export function matches(
  selector: V1LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(l[e.key])
        : e.operator === 'NotIn'
        ? !has || !(e.values ?? []).includes(l[e.key])
        : e.operator === 'Exists'
        ? has
        : e.operator === 'DoesNotExist'
        ? !has
        : false;
    if (!ok) return false;
  }
  return true;
}
