import type { V1Deployment } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { renderPreviewObjects } from './render';

const base: PreviewDeployment = {
  previewId: '00000000-0000-4000-8000-000000000001',
  name: 'shop-feature-x-1a2b3c',
  entityRef: 'component:default/shop',
  branch: 'feature/x',
  spec: {
    workloads: [
      { name: 'web', image: 'shop:{branch}', port: 8080, replicas: 3 },
      { name: 'worker', image: 'worker' },
    ],
  },
};

const replicas = (d: PreviewDeployment) =>
  renderPreviewObjects(d)
    .filter((o): o is V1Deployment => o.kind === 'Deployment')
    .map(o => [o.metadata!.name, o.spec!.replicas]);

describe('sleeping previews', () => {
  it.each<[string, boolean | undefined, Array<[string, number]>]>([
    [
      'awake (unset)',
      undefined,
      [
        ['web', 3],
        ['worker', 1],
      ],
    ],
    [
      'awake',
      false,
      [
        ['web', 3],
        ['worker', 1],
      ],
    ],
    [
      'asleep: every app Deployment at zero',
      true,
      [
        ['web', 0],
        ['worker', 0],
      ],
    ],
  ])('%s', (_name, asleep, expected) => {
    expect(
      replicas({ ...base, ...(asleep === undefined ? {} : { asleep }) }),
    ).toEqual(expected);
  });

  it('marks the Deployments of a sleeping preview as asleep, and only those', () => {
    const marks = (d: PreviewDeployment) =>
      renderPreviewObjects(d)
        .filter(
          o =>
            o.metadata?.annotations?.['backstage-previews.io/asleep'] ===
            'true',
        )
        .map(o => `${o.kind}/${o.metadata?.name}`);
    expect(marks({ ...base, asleep: true })).toEqual([
      'Deployment/web',
      'Deployment/worker',
    ]);
    expect(marks(base)).toEqual([]);
  });

  it('keeps everything else of the preview while asleep', () => {
    const kinds = (d: PreviewDeployment) =>
      renderPreviewObjects(d).map(o => `${o.kind}/${o.metadata?.name}`);
    expect(kinds({ ...base, asleep: true })).toEqual(kinds(base));
  });
});
