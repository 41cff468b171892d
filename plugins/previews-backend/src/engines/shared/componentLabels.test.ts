import { PreviewTarget } from '@backstage-previews/plugin-previews-node';
import { componentLabels } from './componentLabels';

const target: PreviewTarget = {
  previewId: 'id-1',
  name: 'shop-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'x',
};

describe('componentLabels', () => {
  it.each<[string, string | undefined, Record<string, string>]>([
    [
      'part-of only, when the installation does not label for the Kubernetes plugin',
      undefined,
      { 'app.kubernetes.io/part-of': 'shop' },
    ],
    [
      'the Kubernetes plugin id when given',
      'shop-api',
      {
        'app.kubernetes.io/part-of': 'shop',
        'backstage.io/kubernetes-id': 'shop-api',
      },
    ],
    [
      'dots and underscores inside',
      'shop_api.v2',
      {
        'app.kubernetes.io/part-of': 'shop',
        'backstage.io/kubernetes-id': 'shop_api.v2',
      },
    ],
    ['no id with a space', 'shop api', { 'app.kubernetes.io/part-of': 'shop' }],
    [
      'no id ending in a dash',
      'shop-',
      { 'app.kubernetes.io/part-of': 'shop' },
    ],
    [
      'no id of 64 characters',
      'a'.repeat(64),
      { 'app.kubernetes.io/part-of': 'shop' },
    ],
    [
      'an id of 63 characters',
      'a'.repeat(63),
      {
        'app.kubernetes.io/part-of': 'shop',
        'backstage.io/kubernetes-id': 'a'.repeat(63),
      },
    ],
    ['no empty id', '', { 'app.kubernetes.io/part-of': 'shop' }],
  ])('%s', (_, kubernetesId, expected) => {
    expect(componentLabels({ ...target, kubernetesId })).toEqual(expected);
  });

  it('names the component of any namespace and kind by its name', () => {
    expect(
      componentLabels({ ...target, entityRef: 'component:retail/Orders_API' }),
    ).toEqual({ 'app.kubernetes.io/part-of': 'Orders_API' });
  });
});
