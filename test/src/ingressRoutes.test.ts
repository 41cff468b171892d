import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  V1Endpoints,
  V1Ingress,
  V1Service,
} from '@kubernetes/client-node';
import {
  forwardAuthOf,
  ingressRoutes,
  nginxConfig,
} from '../cluster/addons/ingressRoutes';

// The test cluster's Ingress routes (pure), and their nginx configuration
// checked by the real nginx (`nginx -t`).

const ns = 'shop-feature-x-1a2b3c4d';
const service = (
  name: string,
  ports: Array<{ name?: string; port: number }>,
): V1Service => ({
  metadata: { name, namespace: ns },
  spec: { ports: ports.map(p => ({ ...p, protocol: 'TCP' })) },
});
const endpoints = (
  name: string,
  ips: string[],
  port: { name?: string; port: number },
): V1Endpoints => ({
  metadata: { name, namespace: ns },
  subsets: [
    {
      addresses: ips.map(ip => ({ ip })),
      ports: [{ ...port, protocol: 'TCP' }],
    },
  ],
});
const ingress = (
  host: string,
  backend: { name: string; port: { number?: number; name?: string } },
  extra: Partial<V1Ingress['spec']> = {},
): V1Ingress => ({
  metadata: { name: 'preview', namespace: ns },
  spec: {
    ...extra,
    rules: [
      {
        host,
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: backend } },
          ],
        },
      },
    ],
  },
});
const byKey = <T extends { metadata?: { namespace?: string; name?: string } }>(
  items: T[],
) =>
  new Map(items.map(i => [`${i.metadata!.namespace}/${i.metadata!.name}`, i]));

describe('ingressRoutes', () => {
  const services = byKey([service('web', [{ name: 'http', port: 80 }])]);
  const eps = byKey([
    endpoints('web', ['10.244.1.9', '10.244.1.7'], {
      name: 'http',
      port: 8080,
    }),
  ]);

  it.each<[string, V1Ingress, string[] | undefined]>([
    [
      'by port number, to the ready endpoints sorted',
      ingress('a.previews.localhost', { name: 'web', port: { number: 80 } }),
      ['10.244.1.7:8080', '10.244.1.9:8080'],
    ],
    [
      'by port name',
      ingress('a.previews.localhost', { name: 'web', port: { name: 'http' } }),
      ['10.244.1.7:8080', '10.244.1.9:8080'],
    ],
    [
      'a Service without endpoints yet',
      ingress('a.previews.localhost', { name: 'other', port: { number: 80 } }),
      [],
    ],
    [
      'another ingress class is left alone',
      ingress(
        'a.previews.localhost',
        { name: 'web', port: { number: 80 } },
        { ingressClassName: 'traefik' },
      ),
      undefined,
    ],
  ])('%s', (_, ing, upstreams) => {
    const routes = ingressRoutes([ing], services, eps);
    if (upstreams === undefined) expect(routes).toEqual([]);
    else expect(routes[0].paths[0].upstreams).toEqual(upstreams);
  });
});

describe('forwardAuthOf', () => {
  const withAnnotations = (annotations: Record<string, string>): V1Ingress => ({
    metadata: { name: 'preview', namespace: ns, annotations },
  });
  const check = 'http://localhost:7007/api/previews/access/check/0b6f';
  const signin = 'http://localhost:7007/api/previews/access/signin/0b6f';
  it.each<[string, Record<string, string>, ReturnType<typeof forwardAuthOf>]>([
    ['none', {}, undefined],
    [
      'a check URL',
      { 'nginx.ingress.kubernetes.io/auth-url': check },
      { url: check },
    ],
    [
      'and its sign-in',
      {
        'nginx.ingress.kubernetes.io/auth-url': check,
        'nginx.ingress.kubernetes.io/auth-signin': signin,
      },
      { url: check, signin },
    ],
    // nginx configuration syntax in an annotation denies the path; it never drops the check
    [
      'a check URL nginx cannot take',
      { 'nginx.ingress.kubernetes.io/auth-url': 'http://x/; return 200;' },
      'denied',
    ],
    [
      'a sign-in nginx cannot take',
      {
        'nginx.ingress.kubernetes.io/auth-url': check,
        'nginx.ingress.kubernetes.io/auth-signin': 'http://x/ y',
      },
      'denied',
    ],
    [
      'not http',
      { 'nginx.ingress.kubernetes.io/auth-url': 'file:///etc/passwd' },
      'denied',
    ],
  ])('%s', (_, annotations, expected) => {
    expect(forwardAuthOf(withAnnotations(annotations))).toEqual(expected);
  });
});

describe('nginxConfig', () => {
  it('is accepted by nginx with many long preview hosts, protected ones and denied ones among them', () => {
    // a preview name is a DNS label of up to 63 characters
    const hosts = Array.from(
      { length: 40 },
      (_, i) => `${`p${i}-`.padEnd(63, 'x')}.previews.localhost`,
    );
    const auth = (i: number): Record<string, string> =>
      i % 3 === 0
        ? {
            'nginx.ingress.kubernetes.io/auth-url': `http://localhost:7007/api/previews/access/check/p${i}`,
            'nginx.ingress.kubernetes.io/auth-signin': `http://localhost:7007/api/previews/access/signin/p${i}`,
          }
        : i % 3 === 1
        ? { 'nginx.ingress.kubernetes.io/auth-url': 'bad url' }
        : {};
    const ings = hosts.map((h, i) => ({
      ...ingress(h, { name: 'web', port: { number: 80 } }),
      metadata: { name: `i${i}`, namespace: ns, annotations: auth(i) },
    }));
    const routes = ingressRoutes(
      ings,
      byKey([service('web', [{ name: 'http', port: 80 }])]),
      byKey([endpoints('web', ['10.244.1.7'], { name: 'http', port: 8080 })]),
    );
    expect(routes).toHaveLength(40);
    expect(routes.filter(r => r.paths[0].auth === 'denied')).toHaveLength(13);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-conf-'));
    try {
      fs.mkdirSync(path.join(dir, 'nginx', 'tmp'), { recursive: true });
      const conf = path.join(dir, 'nginx', 'nginx.conf');
      const text = nginxConfig(routes, { port: 18080, stateDir: dir });
      expect(text.match(/auth_request \//g)).toHaveLength(14);
      fs.writeFileSync(conf, text);
      // throws (with nginx's message) when nginx refuses it
      execFileSync(
        'nginx',
        [
          '-t',
          '-q',
          '-e',
          path.join(dir, 'nginx', 'error.log'),
          '-p',
          path.join(dir, 'nginx'),
          '-c',
          conf,
        ],
        { stdio: 'pipe' },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
