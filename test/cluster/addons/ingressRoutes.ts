import type {
  V1Endpoints,
  V1Ingress,
  V1Service,
} from '@kubernetes/client-node';

/** One host name served by the reverse proxy: where each path goes. */
export interface IngressRoute {
  host: string;
  /** `auth`: checked first; `denied`: an auth annotation nginx cannot take, so the path answers 503 (as ingress-nginx denies it). */
  paths: Array<{
    path: string;
    exact: boolean;
    upstreams: string[];
    backend: string;
    auth?: ForwardAuth | 'denied';
  }>;
}

/** ingress-nginx's external authentication (`auth-url`, `auth-signin`) of an Ingress's paths. */
export interface ForwardAuth {
  url: string;
  signin?: string;
}

const AUTH_URL = 'nginx.ingress.kubernetes.io/auth-url';
const AUTH_SIGNIN = 'nginx.ingress.kubernetes.io/auth-signin';

const URL_NGINX_TAKES = /^https?:\/\/[A-Za-z0-9._:/%-]+$/;

/** The forward auth an Ingress asks for; an annotation nginx could not take denies the path, never opens it. */
export function forwardAuthOf(
  ing: V1Ingress,
): ForwardAuth | 'denied' | undefined {
  const annotations = ing.metadata?.annotations ?? {};
  const url = annotations[AUTH_URL];
  const signin = annotations[AUTH_SIGNIN];
  if (url === undefined) return undefined;
  if (
    !URL_NGINX_TAKES.test(url) ||
    (signin !== undefined && !URL_NGINX_TAKES.test(signin))
  )
    return 'denied';
  return { url, ...(signin !== undefined ? { signin } : {}) };
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
    const cls =
      ing.spec?.ingressClassName ??
      ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
    if (cls && cls !== 'nginx') continue;
    const auth = forwardAuthOf(ing);
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
          upstreams: upstreamsOf(
            services.get(`${ns}/${svcName}`),
            endpoints.get(`${ns}/${svcName}`),
            port,
          ),
          ...(auth ? { auth } : {}),
        });
      }
    }
  }
  for (const r of byHost.values())
    r.paths.sort((a, b) => b.path.length - a.path.length);
  return [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
}

function upstreamsOf(
  service: V1Service | undefined,
  endpoints: V1Endpoints | undefined,
  port: { number?: number; name?: string } | undefined,
): string[] {
  if (!service || !endpoints) return [];
  const servicePort = (service.spec?.ports ?? []).find(sp =>
    port?.number !== undefined
      ? sp.port === port.number
      : sp.name === port?.name,
  );
  if (!servicePort) return [];
  const out: string[] = [];
  for (const subset of endpoints.subsets ?? []) {
    const ep = (subset.ports ?? []).find(e =>
      servicePort.name ? e.name === servicePort.name : true,
    );
    if (!ep) continue;
    for (const a of subset.addresses ?? []) out.push(`${a.ip}:${ep.port}`);
  }
  return out.sort();
}

/**
 * nginx's configuration for these routes, listening on 127.0.0.1:<port>
 * and on the node's IP (where pods reach it: a preview's smoke tests open
 * its URL like a browser does).
 */
export function nginxConfig(
  routes: IngressRoute[],
  options: { port: number; stateDir: string; nodeIp?: string },
): string {
  const q = (s: string) => s.replace(/[^A-Za-z0-9._:/-]/g, '');
  const listen = (extra = '') =>
    ['127.0.0.1', ...(options.nodeIp ? [q(options.nodeIp)] : [])]
      .map(a => `listen ${a}:${options.port}${extra};`)
      .join(' ');
  const noEndpoints = `${options.stateDir}/nginx/no-endpoints.sock`;
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
    `  server { ${listen(
      ' default_server',
    )} return 404 "no preview at this host\\n"; }`,
    `  server { listen unix:${noEndpoints}; return 503 "no ready endpoints for $http_x_previews_backend\\n"; }`,
  ];
  routes.forEach((r, i) => {
    r.paths.forEach((p, j) => {
      if (p.upstreams.length) {
        out.push(
          `  upstream u${i}_${j} { ${p.upstreams
            .map(u => `server ${q(u)};`)
            .join(' ')} }`,
        );
      }
    });
    out.push(`  server {`, `    ${listen()}`, `    server_name ${q(r.host)};`);
    r.paths.forEach((p, j) => {
      const auth = p.auth;
      if (auth === 'denied') {
        out.push(
          `    location ${p.exact ? '= ' : ''}${q(
            p.path,
          )} { return 503 "denied: invalid auth annotation\\n"; }`,
        );
        return;
      }
      if (auth) out.push(...authLocations(auth, `${i}_${j}`));
      out.push(`    location ${p.exact ? '= ' : ''}${q(p.path)} {`);
      if (auth) {
        // As ingress-nginx: the check's Set-Cookie goes out with the answer; its 401 goes to sign in.
        out.push(
          `      auth_request /_external_auth_${i}_${j};`,
          '      auth_request_set $auth_cookie $upstream_http_set_cookie;',
          '      add_header Set-Cookie $auth_cookie;',
          ...(auth.signin ? [`      error_page 401 = @signin_${i}_${j};`] : []),
        );
      }
      if (p.upstreams.length) {
        out.push(
          `      proxy_pass http://u${i}_${j};`,
          '      proxy_set_header Host $http_host;',
          '      proxy_set_header X-Forwarded-For $remote_addr;',
        );
      } else {
        // Through the proxy, as ingress-nginx's default backend: a `return` would answer before the auth check.
        out.push(
          `      proxy_pass http://unix:${noEndpoints}:/;`,
          `      proxy_set_header X-Previews-Backend ${q(p.backend)};`,
        );
      }
      out.push('    }');
    });
    out.push('  }');
  });
  out.push('}', '');
  return out.join('\n');
}

/** The internal auth location (what ingress-nginx sends the check) and the sign-in redirect. */
function authLocations(auth: ForwardAuth, id: string): string[] {
  const url = new URL(auth.url);
  return [
    `    location = /_external_auth_${id} {`,
    '      internal;',
    `      proxy_pass ${auth.url};`,
    '      proxy_method GET;',
    '      proxy_pass_request_body off;',
    '      proxy_set_header Content-Length "";',
    `      proxy_set_header Host ${url.host};`,
    '      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;',
    '      proxy_set_header X-Original-Method $request_method;',
    '      proxy_set_header X-Sent-From "nginx-ingress-controller";',
    '      proxy_set_header X-Real-IP $remote_addr;',
    '      proxy_set_header X-Forwarded-For $remote_addr;',
    '      proxy_set_header X-Auth-Request-Redirect $request_uri;',
    '    }',
    ...(auth.signin
      ? [
          `    location @signin_${id} {`,
          `      return 302 ${auth.signin}?rd=$scheme://$http_host$request_uri;`,
          '    }',
        ]
      : []),
  ];
}
