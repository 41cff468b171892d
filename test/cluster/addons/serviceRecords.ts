import type { V1Endpoints, V1Service } from '@kubernetes/client-node';

/**
 * The cluster DNS records, as lines of a hosts file for dnsmasq:
 * `<ip> <service>.<namespace>.svc.cluster.local <service>.<namespace>.svc`.
 * A Service resolves to its ClusterIP when kube-proxy serves ClusterIPs,
 * otherwise (and for headless Services) to its ready endpoints.
 */
export function serviceRecords(
  services: Iterable<V1Service>,
  endpoints: Map<string, V1Endpoints>,
  options: { clusterIps: boolean },
): string {
  const lines: string[] = [];
  for (const s of services) {
    const ns = s.metadata?.namespace;
    const name = s.metadata?.name;
    if (!ns || !name) continue;
    const names = `${name}.${ns}.svc.cluster.local ${name}.${ns}.svc`;
    const ip = s.spec?.clusterIP;
    if (options.clusterIps && ip && ip !== 'None') {
      lines.push(`${ip} ${names}`);
      continue;
    }
    const ips = (endpoints.get(`${ns}/${name}`)?.subsets ?? []).flatMap(sub =>
      (sub.addresses ?? []).map(a => a.ip),
    );
    for (const address of [...new Set(ips)].sort())
      lines.push(`${address} ${names}`);
  }
  return `${lines.sort().join('\n')}\n`;
}
