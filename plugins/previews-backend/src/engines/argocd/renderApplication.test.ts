import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import {
  imageTag,
  kustomizeLabelsOf,
  renderApplication,
} from './renderApplication';
import { ArgoApplication } from './application';
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
            commonLabels: {
              ...labels,
              'app.kubernetes.io/part-of': 'shop',
            },
            labelWithoutSelector: true,
            labelIncludeTemplates: true,
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
            previews: {
              name: base.name,
              host: base.host,
              dependencies: {},
              labels: { ...labels, 'app.kubernetes.io/part-of': 'shop' },
            },
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

describe('kustomize labels', () => {
  const kustomizeOf = (app: ArgoApplication) => app.spec.source.kustomize;

  it('puts the component labels on every object and template, none in selectors', () => {
    expect(
      kustomizeOf(
        renderApplication({ ...base, sha, kubernetesId: 'shop-api' }, settings),
      ),
    ).toMatchObject({
      commonLabels: {
        ...labels,
        'app.kubernetes.io/part-of': 'shop',
        'backstage.io/kubernetes-id': 'shop-api',
      },
      labelWithoutSelector: true,
      labelIncludeTemplates: true,
    });
  });

  it('keeps an older Application labelling as it was: preview labels, in selectors', () => {
    const kustomize = kustomizeOf(
      renderApplication(
        { ...base, sha, kubernetesId: 'shop-api' },
        settings,
        'inSelectors',
      ),
    );
    expect(kustomize?.commonLabels).toEqual(labels);
    expect(kustomize).not.toHaveProperty('labelWithoutSelector');
    expect(kustomize).not.toHaveProperty('labelIncludeTemplates');
  });

  it.each<[string, ArgoApplication | undefined, string]>([
    ['a new Application', undefined, 'component'],
    [
      'one labelled without selectors',
      renderApplication({ ...base, sha }, settings),
      'component',
    ],
    [
      'one from before, labels in selectors',
      renderApplication({ ...base, sha }, settings, 'inSelectors'),
      'inSelectors',
    ],
    [
      'a Helm one',
      renderApplication(
        {
          ...base,
          sha,
          spec: { ...base.spec, argocd: { path: 'chart', helm: {} } },
        },
        settings,
      ),
      'component',
    ],
  ])('%s keeps %s', (_, existing, expected) => {
    expect(kustomizeLabelsOf(existing)).toBe(expected);
  });

  it('hands a Helm chart the labels as values, for its own objects', () => {
    const helm = renderApplication(
      {
        ...base,
        sha,
        kubernetesId: 'shop-api',
        spec: { ...base.spec, argocd: { path: 'chart', helm: {} } },
      },
      settings,
    ).spec.source.helm;
    expect(JSON.parse(helm!.values!).previews.labels).toEqual({
      ...labels,
      'app.kubernetes.io/part-of': 'shop',
      'backstage.io/kubernetes-id': 'shop-api',
    });
  });
});
