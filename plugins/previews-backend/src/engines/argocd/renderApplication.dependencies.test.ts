import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { renderApplication } from './renderApplication';

const settings = {
  argoNamespace: 'argocd',
  defaultProject: 'default',
  destinationServer: 'https://kubernetes.default.svc',
};
const base: PreviewDeployment = {
  previewId: '11111111-2222-3333-4444-555555555555',
  name: 'storefront-feature-x-abc12',
  entityRef: 'component:default/storefront',
  branch: 'feature/x',
  repoUrl: 'https://github.com/acme/storefront',
  spec: {
    workloads: [
      { name: 'web', image: 'ghcr.io/acme/storefront:{branch}' },
      { name: 'worker', image: 'ghcr.io/acme/storefront-worker:{branch}' },
    ],
    argocd: { path: 'deploy/preview' },
  },
};
const dependencies = [
  {
    env: 'ORDERS_API_URL',
    url: 'http://api.orders-api-feature-x-1.svc.cluster.local',
  },
  { env: 'PAYMENTS_URL', url: 'https://payments.staging.example.com' },
];
const helmSpec = { ...base.spec, argocd: { path: 'chart', helm: {} } };

describe('renderApplication with dependency URLs', () => {
  it('patches each workload Deployment of a Kustomize overlay with the URLs as env', () => {
    const patches = renderApplication({ ...base, dependencies }, settings).spec
      .source.kustomize?.patches;
    expect(patches?.map(p => p.target)).toEqual([
      { group: 'apps', version: 'v1', kind: 'Deployment', name: 'web' },
      { group: 'apps', version: 'v1', kind: 'Deployment', name: 'worker' },
    ]);
    expect(JSON.parse(patches![1].patch)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'worker',
                env: [
                  { name: 'ORDERS_API_URL', value: dependencies[0].url },
                  { name: 'PAYMENTS_URL', value: dependencies[1].url },
                ],
              },
            ],
          },
        },
      },
    });
  });

  it('adds no patches without dependencies', () => {
    expect(
      renderApplication(base, settings).spec.source.kustomize,
    ).not.toHaveProperty('patches');
    expect(
      renderApplication({ ...base, dependencies: [] }, settings).spec.source
        .kustomize,
    ).not.toHaveProperty('patches');
  });

  it('gives a Helm chart the URLs as parameters and in previews.dependencies', () => {
    const helm = renderApplication(
      { ...base, spec: helmSpec, dependencies },
      settings,
    ).spec.source.helm!;
    expect(helm.parameters).toEqual(
      expect.arrayContaining([
        {
          name: 'previews.dependencies.ORDERS_API_URL',
          value: dependencies[0].url,
        },
        {
          name: 'previews.dependencies.PAYMENTS_URL',
          value: dependencies[1].url,
        },
      ]),
    );
    expect(JSON.parse(helm.values!).previews.dependencies).toEqual({
      ORDERS_API_URL: dependencies[0].url,
      PAYMENTS_URL: dependencies[1].url,
    });
  });

  it('changes the Application when a URL changes (Argo CD syncs and the Deployment rolls)', () => {
    const rerouted = [
      { ...dependencies[0], url: 'https://orders.staging.example.com' },
      dependencies[1],
    ];
    const before = renderApplication({ ...base, dependencies }, settings);
    const after = renderApplication(
      { ...base, dependencies: rerouted },
      settings,
    );
    expect(after.spec.source.kustomize?.patches).not.toEqual(
      before.spec.source.kustomize?.patches,
    );
    expect(
      renderApplication({ ...base, dependencies: [...dependencies] }, settings),
    ).toEqual(before);
    const helmBefore = renderApplication(
      { ...base, spec: helmSpec, dependencies },
      settings,
    ).spec.source.helm;
    const helmAfter = renderApplication(
      { ...base, spec: helmSpec, dependencies: rerouted },
      settings,
    ).spec.source.helm;
    expect(helmAfter?.parameters).not.toEqual(helmBefore?.parameters);
  });
});
