import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_POD_SECURITY,
  podSecurityFromConfig,
  podSecurityLabels,
} from './renderPodSecurity';

describe('pod security', () => {
  it('labels the namespace for each mode', () => {
    expect(podSecurityLabels(DEFAULT_POD_SECURITY)).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  it.each([
    ['unset', undefined, DEFAULT_POD_SECURITY],
    [
      'baseline enforced',
      { enforce: 'baseline' },
      { enforce: 'baseline', warn: 'restricted', audit: 'restricted' },
    ],
    ['disabled', { enabled: false }, false],
  ])('reads config: %s', (_, podSecurity, expected) => {
    expect(
      podSecurityFromConfig(
        new ConfigReader(podSecurity ? { podSecurity } : {}),
      ),
    ).toEqual(expected);
  });

  it('refuses an unknown level', () => {
    expect(() =>
      podSecurityFromConfig(
        new ConfigReader({ podSecurity: { enforce: 'strict' } }),
      ),
    ).toThrow(
      'Invalid config previews.kubernetes.podSecurity.enforce: "strict" is not one of privileged, baseline, restricted',
    );
  });
});
