import { serviceUrl } from './serviceUrl';

const api = { name: 'api', image: 'x', port: 8080 };
const worker = { name: 'worker', image: 'x' };

describe('serviceUrl', () => {
  it.each<
    [string, string, Parameters<typeof serviceUrl>[1], string | undefined]
  >([
    [
      'the first workload with a port',
      'orders-b-1',
      { workloads: [worker, api] },
      'http://api.orders-b-1.svc.cluster.local',
    ],
    [
      'the exposed workload',
      'n',
      { workloads: [api, { ...api, name: 'web' }], expose: 'web' },
      'http://web.n.svc.cluster.local',
    ],
    ['nothing without a port', 'n', { workloads: [worker] }, undefined],
  ])('%s', (_, namespace, spec, expected) => {
    expect(serviceUrl(namespace, spec)).toBe(expected);
  });
});
