import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { PreviewWorkloadSpec } from '@backstage-previews/plugin-previews-common';
import { renderDeployment, renderEnvConfigMap } from './renderWorkloads';
import { CONFIG_HASH_ANNOTATION } from '../shared/labels';

const web: PreviewWorkloadSpec = {
  name: 'web',
  image: 'registry.local/shop:{branch}',
  port: 8080,
  env: { ORDERS_API_URL: 'http://own', A: '1' },
};
const base: PreviewDeployment = {
  previewId: '0b5c7d2e-1111-4222-8333-944445555666',
  name: 'shop-feature-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'feature/x',
  spec: { workloads: [web] },
};
const staging = [{ env: 'ORDERS_API_URL', url: 'https://orders.staging' }];
const preview = [
  { env: 'ORDERS_API_URL', url: 'http://api.orders-x.svc.cluster.local' },
];

const configHash = (d: PreviewDeployment) =>
  renderDeployment(d, web).spec!.template.metadata!.annotations![
    CONFIG_HASH_ANNOTATION
  ];

describe('dependency URLs in the workload env', () => {
  it.each<[string, PreviewDeployment['dependencies'], Record<string, string>]>([
    [
      'none',
      undefined,
      {
        A: '1',
        ORDERS_API_URL: 'http://own',
        PREVIEW_NAME: base.name,
        PREVIEW_BRANCH: 'feature/x',
      },
    ],
    [
      'a dependency wins over the same variable of the spec',
      staging,
      {
        A: '1',
        ORDERS_API_URL: 'https://orders.staging',
        PREVIEW_NAME: base.name,
        PREVIEW_BRANCH: 'feature/x',
      },
    ],
    [
      'several',
      [...preview, { env: 'PAYMENTS_URL', url: 'https://pay.staging' }],
      {
        A: '1',
        ORDERS_API_URL: preview[0].url,
        PAYMENTS_URL: 'https://pay.staging',
        PREVIEW_NAME: base.name,
        PREVIEW_BRANCH: 'feature/x',
      },
    ],
  ])('%s', (_, dependencies, data) => {
    expect(renderEnvConfigMap({ ...base, dependencies }, web).data).toEqual(
      data,
    );
  });

  it('rolls the pods when a dependency URL changes, not otherwise', () => {
    expect(configHash({ ...base, dependencies: staging })).toBe(
      configHash({ ...base, dependencies: [...staging] }),
    );
    expect(configHash({ ...base, dependencies: staging })).not.toBe(
      configHash({ ...base, dependencies: preview }),
    );
    expect(configHash({ ...base, dependencies: staging })).not.toBe(
      configHash(base),
    );
  });
});
