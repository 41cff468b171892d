import { ConfigReader } from '@backstage/config';
import { connectionForms, loadClusters } from './loadKubeConfig';

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

describe('a cluster of the Kubernetes plugin', () => {
  const kubernetes = (clusters: object[]) =>
    new ConfigReader({
      clusterLocatorMethods: [
        { type: 'catalog' },
        { type: 'config', clusters },
      ],
    });
  const shared = {
    name: 'prod',
    url: 'https://prod.example:6443',
    authProvider: 'serviceAccount',
    serviceAccountToken: 'sa-token',
    caData: 'Q0E=',
  };

  it('connects with its url, CA and token', async () => {
    const { clusters } = await loadClusters(
      new ConfigReader({
        clusters: [{ name: 'previews', kubernetesPluginCluster: 'prod' }],
      }),
      kubernetes([{ ...shared, name: 'other', url: 'https://o:6443' }, shared]),
    );
    expect(clusters[0].kc.getCurrentCluster()).toMatchObject({
      server: 'https://prod.example:6443',
      caData: 'Q0E=',
    });
    expect(clusters[0].kc.getCurrentUser()?.token).toBe('sa-token');
  });

  it.each([
    [
      'a name it does not have',
      { kubernetesPluginCluster: 'dev' },
      [shared],
      /kubernetesPluginCluster "dev" is not a cluster of kubernetes.clusterLocatorMethods \(type config\); its clusters are prod/,
    ],
    [
      'an auth provider only the Kubernetes backend can use',
      { kubernetesPluginCluster: 'prod' },
      [{ ...shared, authProvider: 'google' }],
      /uses authProvider google; previews can share only serviceAccount clusters/,
    ],
    [
      'a service account cluster without a token in config',
      { kubernetesPluginCluster: 'prod' },
      [{ ...shared, serviceAccountToken: undefined }],
      /has no serviceAccountToken/,
    ],
  ])('refuses %s', async (_name, previews, clusters, message) => {
    await expect(
      loadClusters(new ConfigReader(previews), kubernetes(clusters)),
    ).rejects.toThrow(message);
  });

  it('refuses a reference when the Kubernetes plugin has no config', async () => {
    await expect(
      loadClusters(new ConfigReader({ kubernetesPluginCluster: 'prod' })),
    ).rejects.toThrow(/is not a cluster of kubernetes.clusterLocatorMethods/);
  });
});

describe('connectionForms', () => {
  it.each([
    [{ kubeconfig: '/k' }, ['kubeconfig']],
    [{ inCluster: true }, ['inCluster']],
    [{ inCluster: false, kubeconfig: '/k' }, ['kubeconfig']],
    [{ cluster: { url: 'https://k' } }, ['cluster']],
    [{ kubernetesPluginCluster: 'prod' }, ['kubernetesPluginCluster']],
    [
      { inCluster: true, kubernetesPluginCluster: 'prod' },
      ['inCluster', 'kubernetesPluginCluster'],
    ],
    [{}, []],
  ])('%j sets %j', (config, forms) => {
    expect(connectionForms(new ConfigReader(config))).toEqual(forms);
  });

  it('refuses a cluster set two ways, naming both', async () => {
    await expect(
      loadClusters(
        new ConfigReader({
          inCluster: true,
          kubernetesPluginCluster: 'prod',
        }),
      ),
    ).rejects.toThrow(
      'A previews cluster connection sets inCluster and kubernetesPluginCluster: give one of kubeconfig, inCluster, cluster or kubernetesPluginCluster',
    );
  });
});
