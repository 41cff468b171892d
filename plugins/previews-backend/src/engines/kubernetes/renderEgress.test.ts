import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import {
  DEFAULT_EGRESS,
  apiserverCidr,
  renderEgressPolicy,
} from './renderEgress';

const d: PreviewDeployment = {
  previewId: 'id-1',
  name: 'shop-feat-a-1b2c3d4e',
  entityRef: 'component:default/shop',
  branch: 'feat/a',
  spec: { workloads: [{ name: 'web', image: 'shop:1', port: 8080 }] },
};
const own = { to: [{ podSelector: {} }] };
const dns = {
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

describe('renderEgressPolicy', () => {
  const cases: Array<
    [
      string,
      PreviewDeployment,
      { allowCidrs: string[]; blockCidrs: string[] },
      unknown[],
    ]
  > = [
    [
      'defaults: anywhere but link-local',
      d,
      { ...DEFAULT_EGRESS },
      [
        own,
        dns,
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }],
        },
      ],
    ],
    [
      'the previews it is routed to, once each, not itself nor staging',
      {
        ...d,
        dependencies: [
          {
            env: 'ORDERS_URL',
            url: 'http://api.orders-pr-7-aa.svc.cluster.local',
            previewName: 'orders-pr-7-aa',
          },
          {
            env: 'ORDERS_ADMIN_URL',
            url: 'http://admin.orders-pr-7-aa.svc.cluster.local',
            previewName: 'orders-pr-7-aa',
          },
          { env: 'USERS_URL', url: 'https://users.staging.example.com' },
          { env: 'SELF_URL', url: 'http://web', previewName: d.name },
        ],
      },
      { allowCidrs: [], blockCidrs: [] },
      [
        own,
        dns,
        {
          to: [
            {
              namespaceSelector: {
                matchLabels: {
                  'app.kubernetes.io/managed-by': 'backstage-previews',
                  'backstage-previews.io/preview': 'orders-pr-7-aa',
                },
              },
            },
          ],
        },
      ],
    ],
    [
      'blocked ranges only inside the allowed ones they lie in; an allowed range equal to a blocked one stays allowed',
      d,
      {
        allowCidrs: ['10.0.0.0/8', '169.254.0.0/16', '192.168.0.0/16'],
        blockCidrs: ['169.254.0.0/16', '10.96.0.1/32', '10.20.0.0/16'],
      },
      [
        own,
        dns,
        {
          to: [
            {
              ipBlock: {
                cidr: '10.0.0.0/8',
                except: ['10.96.0.1/32', '10.20.0.0/16'],
              },
            },
            { ipBlock: { cidr: '169.254.0.0/16' } },
            { ipBlock: { cidr: '192.168.0.0/16' } },
          ],
        },
      ],
    ],
  ];
  it.each(cases)('%s', (_, deployment, options, egress) => {
    const policy = renderEgressPolicy(deployment, options);
    expect(policy.metadata).toMatchObject({
      name: 'preview-egress',
      namespace: d.name,
    });
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress,
    });
  });

  it('is a fresh object each time', () => {
    const a = renderEgressPolicy(d, { ...DEFAULT_EGRESS });
    (a.spec!.egress![2].to![0].ipBlock!.except as string[]).push('x');
    expect(
      renderEgressPolicy(d, { ...DEFAULT_EGRESS }).spec!.egress![2].to![0]
        .ipBlock!.except,
    ).toEqual(['169.254.0.0/16']);
  });
});

describe('apiserverCidr', () => {
  it.each([
    ['https://10.0.0.1:443', '10.0.0.1/32'],
    ['https://127.0.0.1:6443/', '127.0.0.1/32'],
    ['https://api.example.com', undefined],
    ['https://[fd00::1]:443', undefined],
    ['not a url', undefined],
    [undefined, undefined],
  ])('%s → %s', (server, cidr) => expect(apiserverCidr(server)).toBe(cidr));
});
