import { ConfigReader } from '@backstage/config';
import { secretSourceProblems, secretSourcesFromConfig } from './secretSources';

const sources = [
  { namespace: 'previews-shared', names: ['regcred', 'stripe-*'] },
  {
    namespace: 'team-shop',
    names: ['*'],
    components: ['component:default/shop'],
  },
];
const copy = (namespace: string, name: string) => [
  { name: 'x', copyFrom: { namespace, name } },
];

describe('secretSourceProblems', () => {
  it.each([
    [
      'an exact name of a source',
      copy('previews-shared', 'regcred'),
      'component:default/web',
      true,
    ],
    [
      'a name matching a pattern',
      copy('previews-shared', 'stripe-test'),
      'component:default/web',
      true,
    ],
    [
      'a pattern matches whole names only',
      copy('previews-shared', 'my-stripe-test'),
      'component:default/web',
      false,
    ],
    [
      'a name no pattern allows',
      copy('previews-shared', 'admin-token'),
      'component:default/web',
      false,
    ],
    [
      'a namespace that is no source',
      copy('kube-system', 'regcred'),
      'component:default/web',
      false,
    ],
    [
      'another preview namespace',
      copy('shop-main-1a2b3c4d', 'postgres'),
      'component:default/web',
      false,
    ],
    [
      'a source limited to a component, by it',
      copy('team-shop', 'api-keys'),
      'component:default/shop',
      true,
    ],
    [
      'the same, by its ref in other case',
      copy('team-shop', 'api-keys'),
      'Component:default/Shop',
      true,
    ],
    [
      'a source limited to a component, by another',
      copy('team-shop', 'api-keys'),
      'component:default/web',
      false,
    ],
    [
      'a regex character in the name is literal',
      copy('previews-shared', 'regcre.'),
      'component:default/web',
      false,
    ],
  ])('%s: allowed %s', (_, secrets, entityRef, allowed) => {
    expect(secretSourceProblems(secrets, sources, entityRef)).toHaveLength(
      allowed ? 0 : 1,
    );
  });

  it('names each refused field and nothing may be copied without sources', () => {
    const secrets = [
      ...copy('previews-shared', 'regcred'),
      ...copy('kube-system', 'bootstrap-token-abc'),
    ];
    expect(
      secretSourceProblems(secrets, sources, 'component:default/web'),
    ).toEqual([
      'secrets[1].copyFrom kube-system/bootstrap-token-abc is not a secret source this component may copy from (previews.kubernetes.secretSources)',
    ]);
    expect(
      secretSourceProblems(
        copy('previews-shared', 'regcred'),
        [],
        'component:default/web',
      ),
    ).toHaveLength(1);
    expect(
      secretSourceProblems(undefined, [], 'component:default/web'),
    ).toEqual([]);
  });
});

describe('secretSourcesFromConfig', () => {
  it('reads entries with their defaults', () => {
    const config = new ConfigReader({
      secretSources: [
        { namespace: 'previews-shared' },
        {
          namespace: 'team-shop',
          names: ['a'],
          components: ['Component:default/Shop'],
        },
      ],
    });
    expect(secretSourcesFromConfig(config)).toEqual([
      { namespace: 'previews-shared', names: ['*'] },
      {
        namespace: 'team-shop',
        names: ['a'],
        components: ['component:default/shop'],
      },
    ]);
    expect(secretSourcesFromConfig(undefined)).toEqual([]);
  });

  it.each([
    [{ namespace: 'team-*' }, /namespace: name one namespace/],
    [{ namespace: 'a', names: [] }, /names: name at least one/],
    [{ names: ['a'] }, /namespace/],
  ])('refuses %j', (entry, message) => {
    expect(() =>
      secretSourcesFromConfig(new ConfigReader({ secretSources: [entry] })),
    ).toThrow(message);
  });
});
