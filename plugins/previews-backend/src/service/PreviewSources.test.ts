import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PreviewEngine } from '@backstage-previews/plugin-previews-node';
import { previewComponent } from '../testUtils';
import { PreviewSources } from './PreviewSources';

const engines = new Map([
  ['kubernetes', { id: 'kubernetes' } as PreviewEngine],
]);
const sources = (previews: object) =>
  new PreviewSources({
    catalog: catalogServiceMock(),
    engines,
    defaultEngine: 'kubernetes',
    config: new ConfigReader(previews),
  });

describe('PreviewSources.componentFields', () => {
  const plain: Entity = {
    ...previewComponent('shop'),
    metadata: {
      ...previewComponent('shop').metadata,
      annotations: {
        'backstage.io/source-location':
          'url:https://github.com/acme/shop/tree/main/',
      },
    },
  };
  const annotated = previewComponent('orders', {
    'backstage.io/kubernetes-id': 'orders-svc',
  });

  it.each<[string, object, Entity, object]>([
    [
      'the repository, and no Kubernetes plugin id by default',
      {},
      plain,
      { repoUrl: 'https://github.com/acme/shop' },
    ],
    [
      'the name as the id when opted in',
      { kubernetesPlugin: { kubernetesIdLabel: true } },
      plain,
      { repoUrl: 'https://github.com/acme/shop', kubernetesId: 'shop' },
    ],
    [
      "the component's own kubernetes-id annotation first",
      { kubernetesPlugin: { kubernetesIdLabel: true } },
      annotated,
      { repoUrl: undefined, kubernetesId: 'orders-svc' },
    ],
    [
      'nothing when opted out explicitly',
      { kubernetesPlugin: { kubernetesIdLabel: false } },
      annotated,
      { repoUrl: undefined },
    ],
  ])('%s', (_, config, entity, expected) => {
    expect(sources(config).componentFields(entity)).toEqual(expected);
  });
});
