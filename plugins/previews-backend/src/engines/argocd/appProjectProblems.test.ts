import { appProjectProblems, destinationAdmits } from './appProjectProblems';

const project = (spec: object, name = 'previews') => ({
  metadata: { name },
  spec,
});

describe('appProjectProblems', () => {
  it.each<[string, object, string[]]>([
    [
      "Argo CD's default project (everything allowed)",
      {
        destinations: [{ server: '*', namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        sourceRepos: ['*'],
      },
      [
        'AppProject previews allows cluster-scoped kinds (clusterResourceWhitelist: */*)',
        'AppProject previews allows destinations outside preview namespaces (kube-system, kube-public, kube-node-lease, default, argocd)',
      ],
    ],
    [
      'preview namespaces only',
      {
        destinations: [
          { server: 'https://kubernetes.default.svc', namespace: 'shop-*' },
        ],
      },
      [],
    ],
    [
      'several patterns, none reaching out',
      { destinations: [{ namespace: 'shop-*' }, { namespace: 'pr-??-*' }] },
      [],
    ],
    [
      'one namespaced-only project that may create Namespaces',
      {
        destinations: [{ namespace: 'shop-*' }],
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      },
      [
        'AppProject previews allows cluster-scoped kinds (clusterResourceWhitelist: core/Namespace)',
      ],
    ],
    [
      'a pattern that also matches kube-system',
      { destinations: [{ namespace: 'kube-*' }] },
      [
        'AppProject previews allows destinations outside preview namespaces (kube-system, kube-public, kube-node-lease)',
      ],
    ],
    [
      'anywhere but the protected ones, denied explicitly',
      {
        destinations: [
          { namespace: '*' },
          { namespace: '!kube-*' },
          { namespace: '!default' },
          { namespace: '!argocd' },
        ],
      },
      [],
    ],
    [
      "Argo CD's own namespace",
      { destinations: [{ namespace: 'argo*' }] },
      [
        'AppProject previews allows destinations outside preview namespaces (argocd)',
      ],
    ],
    ['no destinations at all (Argo CD refuses every Application)', {}, []],
  ])('%s', (_, spec, problems) =>
    expect(appProjectProblems(project(spec), 'argocd')).toEqual(problems),
  );
});

describe('destinationAdmits', () => {
  const p = project({
    destinations: [
      { namespace: 'shop-*' },
      { namespace: '!shop-secret*' },
      { namespace: 'a.b' },
    ],
  });
  it.each([
    ['shop-feature-x-1a2b3c4d', true],
    ['shop-secret-store', false],
    ['a.b', true],
    ['axb', false], // a dot is a dot, not any character
    ['orders-x', false],
  ])('%s: %s', (namespace, admitted) =>
    expect(destinationAdmits(p, namespace)).toBe(admitted),
  );
});
