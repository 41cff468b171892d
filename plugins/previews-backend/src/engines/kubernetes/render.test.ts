import type { V1Deployment, V1Ingress, V1Service } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { renderImage, renderPreviewObjects } from './render';

const base: PreviewDeployment = {
  previewId: '0b5c7d2e-1111-4222-8333-944445555666',
  name: 'shop-feature-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'feature/X',
  spec: { image: 'registry.local/shop:{branch}', port: 8080, env: { B: '2', A: '1' } },
  host: 'shop-feature-x-1a2b3c4d.previews.test',
};

describe('renderImage', () => {
  it.each([
    ['img:{branch}', 'feature/Login', 'img:feature-login'],
    ['img:latest', 'feature/Login', 'img:latest'],
    ['img:{branch}-{branch}', 'a', 'img:a-a'],
    ['img:{branch}', '日本', 'img:unnamed'],
  ])('%s at %s → %s', (template, branch, expected) => {
    expect(renderImage(template, branch)).toBe(expected);
  });
});

describe('renderPreviewObjects', () => {
  it.each([
    ['with a host', base, ['Namespace', 'Deployment', 'Service', 'Ingress']],
    ['without a host', { ...base, host: undefined }, ['Namespace', 'Deployment', 'Service']],
  ])('renders %s', (_, input, kinds) => {
    const objects = renderPreviewObjects(input);
    expect(objects.map(o => o.kind)).toEqual(kinds);
    for (const o of objects) {
      expect(o.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'backstage-previews',
        'backstage-previews.io/preview-id': base.previewId,
        'backstage-previews.io/preview': base.name,
      });
      expect(o.metadata?.annotations).toEqual({
        'backstage-previews.io/entity-ref': 'component:default/shop',
        'backstage-previews.io/branch': 'feature/X',
      });
      if (o.kind !== 'Namespace') expect(o.metadata?.namespace).toBe(base.name);
    }
  });

  it('renders the workload from the spec', () => {
    const deployment = renderPreviewObjects(base)[1] as V1Deployment;
    const container = deployment.spec!.template.spec!.containers[0];
    expect(deployment.spec!.replicas).toBe(1);
    expect(container.image).toBe('registry.local/shop:feature-x');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
      { name: 'PREVIEW_NAME', value: base.name },
      { name: 'PREVIEW_HOST', value: base.host },
    ]);
    expect(deployment.spec!.selector.matchLabels).toEqual(
      Object.fromEntries(
        Object.entries(deployment.spec!.template.metadata!.labels!).filter(([k]) =>
          Object.keys(deployment.spec!.selector.matchLabels!).includes(k),
        ),
      ),
    );
  });

  it.each([[undefined, 1], [3, 3]])('replicas %p → %p', (replicas, expected) => {
    const deployment = renderPreviewObjects({ ...base, spec: { ...base.spec, replicas } })[1] as V1Deployment;
    expect(deployment.spec!.replicas).toBe(expected);
  });

  it('gives every port an explicit TCP protocol', () => {
    const service = renderPreviewObjects(base)[2] as V1Service;
    expect(service.spec!.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it.each([[undefined, undefined], ['nginx', 'nginx']])('ingress class %p', (cls, expected) => {
    const ingress = renderPreviewObjects(base, { ingressClassName: cls })[3] as V1Ingress;
    expect(ingress.spec!.ingressClassName).toBe(expected);
    expect(ingress.spec!.rules![0].host).toBe(base.host);
  });

  it('is pure: same input, same objects', () => {
    expect(renderPreviewObjects(base)).toEqual(renderPreviewObjects(base));
  });
});
