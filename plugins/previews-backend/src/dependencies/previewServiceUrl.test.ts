import { previewServiceUrl } from './previewServiceUrl';

const api = { name: 'api', image: 'x', port: 8080 };
const worker = { name: 'worker', image: 'x' };

describe('previewServiceUrl', () => {
  it.each<[string, Parameters<typeof previewServiceUrl>[0], Parameters<typeof previewServiceUrl>[1], string | undefined]>([
    ['the first workload with a port', { engine: 'kubernetes', namespace: 'orders-b-1' }, { workloads: [worker, api] }, 'http://api.orders-b-1.svc.cluster.local'],
    ['the exposed workload', { engine: 'kubernetes', namespace: 'n' }, { workloads: [api, { ...api, name: 'web' }], expose: 'web' }, 'http://web.n.svc.cluster.local'],
    ['nothing without a port', { engine: 'kubernetes', namespace: 'n' }, { workloads: [worker] }, undefined],
    ['the public URL on Argo CD', { engine: 'argocd', namespace: 'n', url: 'https://n.previews.test' }, { workloads: [api] }, 'https://n.previews.test'],
    ['nothing on Argo CD without a URL', { engine: 'argocd', namespace: 'n' }, { workloads: [api] }, undefined],
  ])('%s', (_, preview, spec, expected) => {
    expect(previewServiceUrl(preview, spec)).toBe(expected);
  });
});
