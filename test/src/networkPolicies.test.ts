import type {
  V1Namespace,
  V1NetworkPolicy,
  V1Pod,
} from '@kubernetes/client-node';
import { ingressPolicyRules, matches } from '../cluster/addons/networkPolicies';

const pod = (
  ns: string,
  name: string,
  ip: string,
  labels: Record<string, string> = {},
  ports: Array<{ name: string; containerPort: number }> = [],
): V1Pod => ({
  metadata: { namespace: ns, name, labels },
  spec: { containers: [{ name: 'c', ports }] },
  status: { podIP: ip, phase: 'Running' },
});
const ns = (
  name: string,
  labels: Record<string, string> = {},
): V1Namespace => ({ metadata: { name, labels } });
const policy = (namespace: string, spec: object): V1NetworkPolicy => ({
  metadata: { namespace, name: 'p' },
  spec: spec as V1NetworkPolicy['spec'],
});

const pods = [
  pod('a', 'web', '10.244.1.2', { app: 'web' }, [
    { name: 'http', containerPort: 8080 },
  ]),
  pod('a', 'db', '10.244.1.3', { app: 'db' }),
  pod('b', 'web', '10.244.1.4', { app: 'web' }),
  pod('ingress', 'nginx', '10.244.1.5'),
];
const namespaces = [
  ns('a'),
  ns('b', { 'deps.example/a': 'true' }),
  ns('ingress', { role: 'ingress' }),
];
const rules = (...policies: V1NetworkPolicy[]) =>
  ingressPolicyRules('NP', policies, pods, namespaces);

describe('ingressPolicyRules', () => {
  it('leaves pods no policy selects open (only the established rule)', () => {
    expect(rules()).toEqual([
      '-A NP -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    ]);
    expect(
      rules(
        policy('a', {
          podSelector: { matchLabels: { app: 'none' } },
          ingress: [{}],
        }),
      ),
    ).toHaveLength(1);
  });

  it('admits the same namespace and the selected namespaces, and rejects the rest, for every pod of the namespace', () => {
    const out = rules(
      policy('a', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: {} },
              { namespaceSelector: { matchLabels: { role: 'ingress' } } },
            ],
          },
        ],
      }),
    );
    for (const dest of ['10.244.1.2', '10.244.1.3']) {
      expect(out).toEqual(
        expect.arrayContaining([
          `-A NP -d ${dest}/32 -s 10.244.1.2/32 -j RETURN`,
          `-A NP -d ${dest}/32 -s 10.244.1.3/32 -j RETURN`,
          `-A NP -d ${dest}/32 -s 10.244.1.5/32 -j RETURN`,
          `-A NP -d ${dest}/32 -p tcp -j REJECT --reject-with tcp-reset`,
        ]),
      );
      // the other namespace's pod is not admitted
      expect(out).not.toContain(
        `-A NP -d ${dest}/32 -s 10.244.1.4/32 -j RETURN`,
      );
    }
    // the rejects come after every admit of their pod
    const last = (s: string) => out.lastIndexOf(s);
    expect(
      out.indexOf(
        '-A NP -d 10.244.1.2/32 -p tcp -j REJECT --reject-with tcp-reset',
      ),
    ).toBeGreaterThan(
      last('-A NP -d 10.244.1.2/32 -s 10.244.1.5/32 -j RETURN'),
    );
    expect(out.some(l => l.includes('-d 10.244.1.4/32'))).toBe(false);
  });

  it('admits a peer namespace to one named port of the selected pods only', () => {
    const out = rules(
      policy('a', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { 'deps.example/a': 'true' },
                },
              },
            ],
            ports: [{ port: 'http' }],
          },
        ],
      }),
    );
    expect(out).toContain(
      '-A NP -d 10.244.1.2/32 -s 10.244.1.4/32 -p tcp --dport 8080 -j RETURN',
    );
    expect(out.some(l => l.includes('-d 10.244.1.3/32'))).toBe(false); // db not selected: open
  });

  it('reads the rule peers under either name (watch JSON "from", client "_from")', () => {
    const a = rules(
      policy('a', {
        podSelector: {},
        ingress: [{ from: [{ podSelector: {} }] }],
      }),
    );
    const b = rules(
      policy('a', {
        podSelector: {},
        ingress: [{ _from: [{ podSelector: {} }] }],
      }),
    );
    expect(a).toEqual(b);
    expect(a).toContain('-A NP -d 10.244.1.3/32 -s 10.244.1.2/32 -j RETURN');
  });

  it('isolates with no admits for an empty ingress list, and ignores egress-only policies', () => {
    expect(
      rules(policy('b', { podSelector: {}, policyTypes: ['Ingress'] })),
    ).toEqual([
      '-A NP -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
      '-A NP -d 10.244.1.4/32 -p tcp -j REJECT --reject-with tcp-reset',
      '-A NP -d 10.244.1.4/32 -j REJECT',
    ]);
    expect(
      rules(
        policy('b', { podSelector: {}, policyTypes: ['Egress'], egress: [] }),
      ),
    ).toHaveLength(1);
  });

  it('admits an ipBlock without except, and nothing for one with except (stricter than the API)', () => {
    expect(
      rules(
        policy('b', {
          podSelector: {},
          ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
        }),
      ),
    ).toContain('-A NP -d 10.244.1.4/32 -s 10.0.0.0/8 -j RETURN');
    expect(
      rules(
        policy('b', {
          podSelector: {},
          ingress: [
            {
              from: [
                { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
              ],
            },
          ],
        }),
      ).some(l => l.includes('-s 10.0.0.0/8')),
    ).toBe(false);
  });
});

describe('matches', () => {
  it.each([
    [{}, {}, true],
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' } }, { a: '2' }, false],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] },
      { a: '2' },
      true,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] },
      {},
      true,
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {}, false],
    [
      { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] },
      { a: '' },
      false,
    ],
  ])('%j on %j: %s', (selector, labels, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });
});
