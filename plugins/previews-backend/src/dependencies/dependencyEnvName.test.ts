import { dependencyEnvName, dependencyName } from './dependencyEnvName';

describe('dependencyEnvName', () => {
  it.each([
    ['component:default/orders-api', 'ORDERS_API_URL'],
    ['orders-api', 'ORDERS_API_URL'],
    ['component:shop/payments', 'PAYMENTS_URL'],
    ['component:default/orders.api--v2', 'ORDERS_API_V2_URL'],
    ['component:default/3d-viewer', '_3D_VIEWER_URL'],
    ['component:default/-x-', 'X_URL'],
    ['component:default/---', 'DEPENDENCY_URL'],
  ])('%s → %s', (ref, env) => {
    expect(dependencyEnvName(ref)).toBe(env);
  });

  it('names the component of a ref', () => {
    expect(dependencyName('component:default/orders-api')).toBe('orders-api');
    expect(dependencyName('orders-api')).toBe('orders-api');
  });
});
