import { ConfigReader } from '@backstage/config';
import {
  placementPolicyFromConfig,
  placementProblems,
} from './placementPolicy';

const policy = {
  nodeSelector: { pool: ['spot', 'general'] },
  tolerations: [
    { key: 'spot', operator: 'Exists' as const, effect: 'NoSchedule' as const },
  ],
};

describe('placementProblems', () => {
  it.each([
    ['no placement', {}, 0],
    ['an offered node pool', { nodeSelector: { pool: 'spot' } }, 0],
    ['a pool value not offered', { nodeSelector: { pool: 'gpu' } }, 1],
    [
      'the control plane',
      { nodeSelector: { 'node-role.kubernetes.io/control-plane': '' } },
      1,
    ],
    [
      'a pinned node',
      { nodeSelector: { 'kubernetes.io/hostname': 'node-1' } },
      1,
    ],
    [
      'an offered toleration',
      {
        tolerations: [
          {
            key: 'spot',
            operator: 'Exists' as const,
            effect: 'NoSchedule' as const,
          },
        ],
      },
      0,
    ],
    [
      'tolerating every taint',
      { tolerations: [{ operator: 'Exists' as const }] },
      1,
    ],
    [
      'the offered key with another effect',
      {
        tolerations: [
          {
            key: 'spot',
            operator: 'Exists' as const,
            effect: 'NoExecute' as const,
          },
        ],
      },
      1,
    ],
    [
      'the control-plane taint',
      {
        tolerations: [
          {
            key: 'node-role.kubernetes.io/control-plane',
            operator: 'Exists' as const,
          },
        ],
      },
      1,
    ],
    [
      'both wrong',
      {
        nodeSelector: { pool: 'gpu' },
        tolerations: [{ operator: 'Exists' as const }],
      },
      2,
    ],
  ])('%s: %i problems', (_, spec, count) => {
    expect(placementProblems(spec, policy)).toHaveLength(count);
  });

  it('names the field, and offers nothing without a policy', () => {
    expect(
      placementProblems({ nodeSelector: { pool: 'gpu' } }, policy),
    ).toEqual([
      'nodeSelector pool=gpu is not a placement previews may choose (previews.kubernetes.placement.nodeSelector)',
    ]);
    expect(
      placementProblems(
        { tolerations: [{ operator: 'Exists' }] },
        { nodeSelector: {}, tolerations: [] },
      ),
    ).toEqual([
      'tolerations[0] {"operator":"Exists"} is not a toleration previews may carry (previews.kubernetes.placement.tolerations)',
    ]);
    expect(
      placementProblems(
        { nodeSelector: { pool: 'spot' } },
        { nodeSelector: {}, tolerations: [] },
      ),
    ).toHaveLength(1);
  });
});

describe('placementPolicyFromConfig', () => {
  it('reads node labels and tolerations', () => {
    const config = new ConfigReader({
      placement: {
        nodeSelector: { pool: ['spot'] },
        tolerations: [
          { key: 'spot', operator: 'Exists', effect: 'NoSchedule' },
        ],
      },
    });
    expect(placementPolicyFromConfig(config)).toEqual({
      nodeSelector: { pool: ['spot'] },
      tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(placementPolicyFromConfig(undefined)).toEqual({
      nodeSelector: {},
      tolerations: [],
    });
  });

  it.each([
    [
      { tolerations: [{ key: 'a', operator: 'Sometimes' }] },
      /operator: Sometimes/,
    ],
    [{ tolerations: [{ key: 'a', effect: 'NoWay' }] }, /effect: NoWay/],
    [{ tolerations: [{ value: 'x' }] }, /without a key needs operator Exists/],
  ])('refuses %j', (placement, message) => {
    expect(() =>
      placementPolicyFromConfig(new ConfigReader({ placement })),
    ).toThrow(message);
  });
});
