import type { V1Endpoints, V1Ingress, V1Service } from '@kubernetes/client-node';

/** One host name served by the reverse proxy: where each path goes. */
export interface IngressRoute {
  host: string;
  paths: Array<{ path: string; exact: boolean; upstreams: string[]; backend: string }>;
}

/**
 * The routes of every Ingress: host and path to the ready pod endpoints of the
 * backend Service's port (as ingress-nginx does, not through the ClusterIP).
 * Ingresses of a class other than `nginx` (or none) are left to others.
 */
export function ingressRoutes(
  ingresses: Iterable<V1Ingress>,
  services: Map<string, V1Service>,
  endpoints: Map<string, V1Endpoints>,
): IngressRoute[] {
  const byHost = new Map<string, IngressRoute>();
  for (const ing of ingresses) {
    const ns = ing.metadata?.namespace ?? '';
    const cls = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
    if (cls && cls !== 'nginx') continue;
    for (const rule of ing.spec?.rules ?? []) {
      if (!rule.host) continue;
      const route = byHost.get(rule.host) ?? { host: rule.host, paths: [] };
      byHost.set(rule.host, route);
      for (const p of rule.http?.paths ?? []) {
        const svcName = p.backend.service?.name;
        if (!svcName) continue;
        const port = p.backend.service?.port;
        route.paths.push({
          path: p.path ?? '/',
          exact: p.pathType === 'Exact',
          backend: `${ns}/${svcName}:${port?.number ?? port?.name ?? ''}`,
          upstreams: upstreamsOf(services.get(`${ns}/${svcName}`), endpoints.get(`${ns}/${svcName}`), port),
        });
      }
    }
  }
  for (const r of byHost.values()) r.paths.sort((a, b) => b.path.length - a.path.length);
  return [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
}

function upstreamsOf(
  service: V1Service | undefined,
  endpoints: V1Endpoints | undefined,
  port: { number?: number; name?: string } | undefined,
): string[] {
  if (!service || !endpoints) return [];
  const servicePort = (service.spec?.ports ?? []).find(sp =>
    port?.number !== undefined ? sp.port === port.number : sp.name === port?.name,
  );
  if (!servicePort) return [];
  const out: string[] = [];
  for (const subset of endpoints.subsets ?? []) {
    const ep = (subset.ports ?? []).find(e => (servicePort.name ? e.name === servicePort.name : true));
    if (!ep) continue;
    for (const a of subset.addresses ?? []) out.push(`${a.ip}:${ep.port}`);
  }
  return out.sort();
}

/** nginx's configuration for these routes, listening on 127.0.0.1:<port>. */
export function nginxConfig(routes: IngressRoute[], options: { port: number; stateDir: string }): string {
  const q = (s: string) => s.replace(/[^A-Za-z0-9._:/-]/g, '');
  const out: string[] = [
    'worker_processes 1;',
    'daemon off;',
    `pid ${options.stateDir}/nginx/nginx.pid;`,
    `error_log ${options.stateDir}/nginx/error.log warn;`,
    'events { worker_connections 512; }',
    'http {',
    // preview hosts are a 63-character label and the base domain
    '  server_names_hash_bucket_size 256;',
    '  server_names_hash_max_size 8192;',
    `  access_log ${options.stateDir}/nginx/access.log;`,
    `  client_body_temp_path ${options.stateDir}/nginx/tmp;`,
    `  proxy_temp_path ${options.stateDir}/nginx/tmp;`,
    '  proxy_connect_timeout 2s;',
    '  proxy_read_timeout 30s;',
    `  server { listen 127.0.0.1:${options.port} default_server; return 404 "no preview at this host\\n"; }`,
  ];
  routes.forEach((r, i) => {
    r.paths.forEach((p, j) => {
      if (p.upstreams.length) {
        out.push(`  upstream u${i}_${j} { ${p.upstreams.map(u => `server ${q(u)};`).join(' ')} }`);
      }
    });
    out.push(`  server {`, `    listen 127.0.0.1:${options.port};`, `    server_name ${q(r.host)};`);
    r.paths.forEach((p, j) => {
      out.push(`    location ${p.exact ? '= ' : ''}${q(p.path)} {`);
      if (p.upstreams.length) {
        out.push(
          `      proxy_pass http://u${i}_${j};`,
          '      proxy_set_header Host $http_host;',
          '      proxy_set_header X-Forwarded-For $remote_addr;',
        );
      } else {
        out.push(`      return 503 "no ready endpoints for ${q(p.backend)}\\n";`);
      }
      out.push('    }');
    });
    out.push('  }');
  });
  out.push('}', '');
  return out.join('\n');
}
