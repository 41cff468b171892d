import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { imageTag, renderApplication } from './renderApplication';
import { repoUrlFromSourceLocation } from '../../spec/sourceLocation';

const settings = {
  argoNamespace: 'argocd',
  defaultProject: 'default',
  destinationServer: 'https://kubernetes.default.svc',
};
const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const base: PreviewDeployment = {
  previewId: '11111111-2222-3333-4444-555555555555',
  name: 'shop-feature-x-abc12',
  entityRef: 'component:default/shop',
  branch: 'feature/x',
  repoUrl: 'https://github.com/acme/shop',
  host: 'shop-feature-x-abc12.previews.test',
  spec: {
    workloads: [{ name: 'web', image: 'ghcr.io/acme/shop:{sha}' }],
    argocd: { path: 'deploy/preview' },
  },
};
const labels = {
  'app.kubernetes.io/managed-by': 'backstage-previews',
  'app.kubernetes.io/instance': base.previewId,
  'backstage-previews.io/preview': base.name,
};

describe('renderApplication', () => {
  it('renders a Kustomize Application at the commit', () => {
    expect(renderApplication({ ...base, sha }, settings)).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: base.name,
        namespace: 'argocd',
        labels,
        annotations: {
          'backstage-previews.io/entity-ref': base.entityRef,
          'backstage-previews.io/branch': 'feature/x',
        },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/acme/shop',
          path: 'deploy/preview',
          targetRevision: sha,
          kustomize: {
            images: [`ghcr.io/acme/shop:${sha}`],
            namespace: base.name,
            commonLabels: labels,
          },
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: base.name,
        },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true'],
          managedNamespaceMetadata: { labels },
        },
      },
    });
  });

  it.each<
    [
      string,
      Partial<PreviewDeployment>,
      (app: ReturnType<typeof renderApplication>) => unknown,
      unknown,
    ]
  >([
    [
      'targets the branch without a commit',
      {
        spec: {
          workloads: [{ name: 'web', image: 'x:{branch}' }],
          argocd: { path: 'p' },
        },
      },
      a => a.spec.source.targetRevision,
      'feature/x',
    ],
    [
      'takes the project from the spec',
      {
        sha,
        spec: { ...base.spec, argocd: { path: 'p', project: 'previews' } },
      },
      a => a.spec.project,
      'previews',
    ],
    [
      'prefers the spec repoURL',
      {
        sha,
        spec: {
          ...base.spec,
          argocd: { path: 'p', repoURL: 'https://git.example/x.git' },
        },
      },
      a => a.spec.source.repoURL,
      'https://git.example/x.git',
    ],
    [
      'adds extra Kustomize images with templates',
      {
        sha,
        spec: {
          ...base.spec,
          argocd: {
            path: 'p',
            kustomize: { images: ['nginx=ghcr.io/acme/nginx:{shortSha}'] },
          },
        },
      },
      a => a.spec.source.kustomize?.images,
      [`ghcr.io/acme/shop:${sha}`, 'nginx=ghcr.io/acme/nginx:a1b2c3d'],
    ],
    [
      'renders Helm parameters and a place for dependencies',
      {
        sha,
        spec: {
          ...base.spec,
          argocd: {
            path: 'chart',
            helm: {
              valueFiles: ['v.yaml'],
              imageTagParameter: 'web.tag',
              parameters: { url: 'https://{host}/{branch}' },
            },
          },
        },
      },
      a => [a.spec.source.kustomize, a.spec.source.helm],
      [
        undefined,
        {
          releaseName: base.name,
          valueFiles: ['v.yaml'],
          parameters: [
            { name: 'web.tag', value: sha },
            { name: 'ingress.host', value: base.host },
            { name: 'url', value: `https://${base.host}/feature-x` },
          ],
          values: JSON.stringify({
            previews: { name: base.name, host: base.host, dependencies: {} },
          }),
        },
      ],
    ],
  ])('%s', (_, change, pick, expected) => {
    expect(pick(renderApplication({ ...base, ...change }, settings))).toEqual(
      expected,
    );
  });

  it.each<[string, Partial<PreviewDeployment>, RegExp]>([
    [
      'no argocd block',
      { spec: { workloads: [{ name: 'web', image: 'x' }] } },
      /needs an Argo CD source/,
    ],
    ['no repository', { repoUrl: undefined }, /No Git repository/],
    [
      '{sha} without a commit',
      {},
      /commit SHA of branch feature\/x is unknown/,
    ],
  ])('refuses %s', (_, change, error) => {
    expect(() => renderApplication({ ...base, ...change }, settings)).toThrow(
      error,
    );
  });
});

describe('repoUrlFromSourceLocation and imageTag', () => {
  it.each([
    [
      'url:https://github.com/acme/shop/tree/main/',
      'https://github.com/acme/shop',
    ],
    [
      'url:https://github.com/acme/shop/blob/main/catalog-info.yaml',
      'https://github.com/acme/shop',
    ],
    [
      'https://gitlab.example/acme/shop.git',
      'https://gitlab.example/acme/shop.git',
    ],
    [undefined, undefined],
  ])('%s → %s', (location, url) =>
    expect(repoUrlFromSourceLocation(location)).toBe(url),
  );

  it.each([
    ['ghcr.io/acme/shop:1.2', '1.2'],
    ['localhost:5000/shop', ''],
    ['shop@sha256:abc', 'sha256:abc'],
  ])('%s has tag %s', (image, tag) => expect(imageTag(image)).toBe(tag));
});
