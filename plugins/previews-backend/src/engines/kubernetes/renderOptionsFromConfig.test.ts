import { ConfigReader } from '@backstage/config';
import { RenderOptions, renderOptionsFromConfig } from './render';

describe('renderOptionsFromConfig', () => {
  const defaults: RenderOptions = {
    networkPolicy: {
      ingressNamespaceSelector: {
        'kubernetes.io/metadata.name': 'ingress-nginx',
      },
    },
    egress: { allowCidrs: ['0.0.0.0/0'], blockCidrs: ['169.254.0.0/16'] },
    resourceQuota: {
      hard: {
        'requests.cpu': '2',
        'requests.memory': '4Gi',
        'limits.cpu': '4',
        'limits.memory': '8Gi',
        pods: '20',
        'requests.storage': '20Gi',
        persistentvolumeclaims: '4',
      },
    },
    limitRange: {
      defaultRequest: { cpu: '50m', memory: '64Mi' },
      default: { cpu: '500m', memory: '512Mi' },
    },
    progressDeadlineSeconds: 300,
    podSecurity: {
      enforce: 'restricted',
      warn: 'restricted',
      audit: 'restricted',
    },
  };

  it.each<[string, object | undefined, RenderOptions]>([
    ['no config', undefined, defaults],
    ['an empty kubernetes block', {}, defaults],
    [
      'the legacy ingressClassName',
      { ingressClassName: 'traefik' },
      { ...defaults, ingressClassName: 'traefik' },
    ],
    [
      'ingress settings (className wins over the legacy key)',
      {
        ingressClassName: 'traefik',
        ingress: {
          className: 'nginx',
          annotations: { 'cert-manager.io/cluster-issuer': 'le' },
          tlsSecretName: 'tls',
        },
      },
      {
        ...defaults,
        ingressClassName: 'nginx',
        ingressAnnotations: { 'cert-manager.io/cluster-issuer': 'le' },
        tlsSecretName: 'tls',
      },
    ],
    [
      'everything disabled',
      {
        networkPolicy: { enabled: false },
        egress: { enabled: false },
        resourceQuota: { enabled: false },
        limitRange: { enabled: false },
        podSecurity: { enabled: false },
      },
      {
        networkPolicy: false,
        egress: false,
        resourceQuota: false,
        limitRange: false,
        progressDeadlineSeconds: 300,
        podSecurity: false,
      },
    ],
    [
      'configured policies (numbers become strings)',
      {
        networkPolicy: {
          enabled: true,
          ingressNamespaceSelector: { team: 'edge' },
        },
        egress: {
          allowCidrs: ['10.0.0.0/8', 'fd00::/8'],
          blockCidrs: ['10.96.0.1/32'],
        },
        resourceQuota: { hard: { pods: 10, 'limits.cpu': '8' } },
        limitRange: { defaultRequest: { cpu: '20m' } },
        progressDeadlineSeconds: 600,
      },
      {
        networkPolicy: { ingressNamespaceSelector: { team: 'edge' } },
        egress: {
          allowCidrs: ['10.0.0.0/8', 'fd00::/8'],
          blockCidrs: ['10.96.0.1/32'],
        },
        resourceQuota: { hard: { pods: '10', 'limits.cpu': '8' } },
        limitRange: {
          defaultRequest: { cpu: '20m' },
          default: { cpu: '500m', memory: '512Mi' },
        },
        progressDeadlineSeconds: 600,
        podSecurity: {
          enforce: 'restricted',
          warn: 'restricted',
          audit: 'restricted',
        },
      },
    ],
  ])('reads %s', (_, kubernetes, expected) => {
    const config =
      kubernetes === undefined ? undefined : new ConfigReader(kubernetes);
    expect(renderOptionsFromConfig(config)).toEqual(expected);
  });

  it.each([
    [
      { progressDeadlineSeconds: 0 },
      'progressDeadlineSeconds: 0 is not a positive whole number',
    ],
    [
      { progressDeadlineSeconds: 1.5 },
      'progressDeadlineSeconds: 1.5 is not a positive whole number',
    ],
    [
      { networkPolicy: { ingressNamespaceSelector: {} } },
      'an empty selector would admit every namespace',
    ],
    [
      { resourceQuota: { hard: { pods: [1] } } },
      'Invalid config previews.kubernetes.resourceQuota.hard.pods: expected a string or number',
    ],
    [
      { egress: { allowCidrs: ['10.0.0.1/8'] } },
      'previews.kubernetes.egress.allowCidrs: "10.0.0.1/8" is not a CIDR',
    ],
    [
      { egress: { blockCidrs: ['fd00::/8'] } },
      'previews.kubernetes.egress.blockCidrs: "fd00::/8" is not a CIDR such as 10.0.0.0/8 (host bits zero, IPv4)',
    ],
  ])('rejects %j', (kubernetes, message) => {
    expect(() => renderOptionsFromConfig(new ConfigReader(kubernetes))).toThrow(
      message,
    );
  });
});
