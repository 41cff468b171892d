import { PreviewTarget } from '@backstage-previews/plugin-previews-node';
import { objectMeta, previewLabels } from './renderMetadata';

const target: PreviewTarget = {
  previewId: 'id-1',
  name: 'shop-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'x',
};

describe('component labels on objects', () => {
  it('is on object metadata, and not among the labels kept for immutable templates', () => {
    const meta = objectMeta({ ...target, kubernetesId: 'shop' }, 'web', {
      labels: { extra: 'yes' },
    });
    expect(meta.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-previews',
      'app.kubernetes.io/instance': 'id-1',
      'backstage-previews.io/preview': 'shop-x-1a2b3c4d',
      'app.kubernetes.io/part-of': 'shop',
      'backstage.io/kubernetes-id': 'shop',
      extra: 'yes',
    });
    expect(
      previewLabels({ ...target, kubernetesId: 'shop' } as PreviewTarget),
    ).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-previews',
      'app.kubernetes.io/instance': 'id-1',
      'backstage-previews.io/preview': 'shop-x-1a2b3c4d',
    });
  });
});
