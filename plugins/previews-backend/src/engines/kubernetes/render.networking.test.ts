import type { V1Ingress, V1NetworkPolicy } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { RenderOptions, renderPreviewObjects } from './render';
import { twoWorkloads, copied, oneWorkload, find } from './renderTestFixtures';

describe('renderPreviewObjects', () => {
  it.each<
    [string, RenderOptions, Partial<V1Ingress['spec']>, Record<string, string>]
  >([
    ['defaults', {}, {}, {}],
    [
      'a class',
      { ingressClassName: 'nginx' },
      { ingressClassName: 'nginx' },
      {},
    ],
    [
      'TLS and annotations',
      {
        tlsSecretName: 'wildcard-tls',
        ingressAnnotations: {
          'cert-manager.io/cluster-issuer': 'le',
          'backstage-previews.io/branch': 'spoof',
        },
      },
      { tls: [{ hosts: [twoWorkloads.host!], secretName: 'wildcard-tls' }] },
      {
        'cert-manager.io/cluster-issuer': 'le',
        'backstage-previews.io/branch': 'feature/X',
      },
    ],
  ])('renders the Ingress with %s', (_, options, spec, annotations) => {
    const ingress = find<V1Ingress>(
      renderPreviewObjects(twoWorkloads, options, copied),
      'Ingress',
      'preview',
    );
    expect(ingress.spec).toEqual({
      ...spec,
      rules: [
        {
          host: twoWorkloads.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'web', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
    expect(ingress.metadata!.annotations).toEqual({
      'backstage-previews.io/entity-ref': 'component:default/shop',
      'backstage-previews.io/branch': 'feature/X',
      ...annotations,
    });
  });

  it.each<[string, Record<string, string> | undefined, Record<string, string>]>(
    [
      ['a protected URL gets the forward-auth annotations', undefined, {}],
      // Operators' annotations cannot point the check elsewhere, or turn it off.
      [
        'over configured ones of the same name',
        { 'nginx.ingress.kubernetes.io/auth-url': 'http://elsewhere/', x: 'y' },
        { x: 'y' },
      ],
    ],
  )('%s', (_, configured, kept) => {
    const access = {
      checkUrl: 'http://backstage:7007/api/previews/access/check/p1',
      signinUrl: 'https://portal/api/previews/access/signin/p1',
    };
    const ingress = find<V1Ingress>(
      renderPreviewObjects(
        { ...twoWorkloads, access },
        { ingressAnnotations: configured },
        copied,
      ),
      'Ingress',
      'preview',
    );
    expect(ingress.metadata!.annotations).toEqual({
      'backstage-previews.io/entity-ref': 'component:default/shop',
      'backstage-previews.io/branch': 'feature/X',
      ...kept,
      'nginx.ingress.kubernetes.io/auth-url': access.checkUrl,
      'nginx.ingress.kubernetes.io/auth-signin': access.signinUrl,
      'nginx.ingress.kubernetes.io/auth-method': 'GET',
    });
  });

  it('points the Ingress at the exposed workload', () => {
    const d: PreviewDeployment = {
      ...oneWorkload,
      spec: {
        workloads: [
          { name: 'api', image: 'api', port: 3000 },
          { name: 'ui', image: 'ui', port: 8080 },
        ],
        expose: 'ui',
      },
    };
    const ingress = find<V1Ingress>(
      renderPreviewObjects(d),
      'Ingress',
      'preview',
    );
    expect(ingress.spec!.rules![0].http!.paths[0].backend.service!.name).toBe(
      'ui',
    );
  });

  it.each<[string, RenderOptions, Record<string, string>]>([
    [
      'default selector',
      {},
      { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    ],
    [
      'a configured selector',
      { networkPolicy: { ingressNamespaceSelector: { ingress: 'true' } } },
      { ingress: 'true' },
    ],
  ])('isolates the namespace with the %s', (_, options, selector) => {
    const policy = find<V1NetworkPolicy>(
      renderPreviewObjects(oneWorkload, options),
      'NetworkPolicy',
      'preview-isolation',
    );
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: selector } },
          ],
        },
      ],
    });
  });
});
