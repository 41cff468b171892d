import { ConfigReader } from '@backstage/config';
import { loadClusters } from './loadKubeConfig';

const cluster = (name: string) => ({
  name,
  cluster: { url: `https://${name}.example:6443`, serviceAccountToken: 't' },
});

describe('loadClusters', () => {
  it('treats the block as one cluster named default', async () => {
    const { clusters, defaultCluster } = await loadClusters(
      new ConfigReader({
        cluster: { url: 'https://k.example:6443', serviceAccountToken: 't' },
      }),
    );
    expect(clusters.map(c => c.name)).toEqual(['default']);
    expect(defaultCluster).toBe('default');
    expect(clusters[0].kc.getCurrentCluster()?.server).toBe(
      'https://k.example:6443',
    );
  });

  it('reads several clusters and the default', async () => {
    const { clusters, defaultCluster } = await loadClusters(
      new ConfigReader({
        clusters: [cluster('eu'), cluster('us')],
        defaultCluster: 'us',
      }),
    );
    expect(clusters.map(c => c.name)).toEqual(['eu', 'us']);
    expect(defaultCluster).toBe('us');
  });

  it('defaults to the first cluster', async () => {
    expect(
      (
        await loadClusters(
          new ConfigReader({ clusters: [cluster('eu'), cluster('us')] }),
        )
      ).defaultCluster,
    ).toBe('eu');
  });

  it.each([
    [
      { clusters: [cluster('eu'), cluster('eu')] },
      'previews.kubernetes.clusters names eu twice',
    ],
    [{ clusters: [] }, 'previews.kubernetes.clusters is empty'],
    [
      { clusters: [cluster('eu')], defaultCluster: 'mars' },
      'previews.kubernetes.defaultCluster mars is not one of the clusters',
    ],
    [{}, /needs one of: kubeconfig/],
  ])('rejects %j', async (config, message) => {
    await expect(loadClusters(new ConfigReader(config))).rejects.toThrow(
      message,
    );
  });
});
