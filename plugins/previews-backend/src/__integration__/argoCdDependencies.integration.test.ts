import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  repoRoot,
  testKubeconfigPath,
} from '@backstage-previews/test/cluster/testCluster';
import { loadK8s } from '../engines/shared/loadKubeConfig';
import { waitFor } from '../testUtils';
import { renderApplication } from '../engines/argocd/renderApplication';
import { ArgoApplication } from '../engines/argocd/application';
import { run, webRef } from './__testUtils__/dependencyComponents';

// The dependency patches and parameters of Argo CD Applications, applied
// (dry run) to the real test cluster's apiserver with Argo CD's own CRD: no
// backend, only what the apiserver keeps.

jest.setTimeout(300_000);

describe('Argo CD dependency wiring on the real test cluster', () => {
  let kc: KubeConfig;
  let k8s: Awaited<ReturnType<typeof loadK8s>>;

  beforeAll(async () => {
    const kubeconfig = testKubeconfigPath();
    k8s = await loadK8s();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
  });

  it('has the apiserver keep the Argo CD dependency patches and parameters (Application CRD, dry run)', async () => {
    // Argo CD's own Application CRD (the fixture the Argo CD tests install), so pruning would show.
    const objects = kc.makeApiClient(k8s.KubernetesObjectApi);
    const crd = parse(
      fs.readFileSync(
        path.resolve(
          repoRoot,
          '..',
          'shared',
          'fixtures',
          'argocd',
          'application-crd.yaml',
        ),
        'utf8',
      ),
    ) as KubernetesObject;
    await objects.create(crd).catch(e => {
      if ((e as { code?: number }).code !== 409) throw e;
    });
    await kc
      .makeApiClient(k8s.CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'argocd' } } })
      .catch(e => {
        if ((e as { code?: number }).code !== 409) throw e;
      });
    const dependencies = [
      {
        env: 'SERVICE_B_URL',
        url: 'http://app.dep-orders-x.svc.cluster.local',
        previewName: 'dep-orders-x',
      },
    ];
    const settings = {
      argoNamespace: 'argocd',
      defaultProject: 'default',
      destinationServer: 'https://kubernetes.default.svc',
    };
    const base = {
      previewId: '00000000-0000-4000-8000-0000000000de',
      name: `dep-argo-${run}`,
      entityRef: webRef,
      branch: 'feature/x',
      repoUrl: 'https://github.com/acme/dep-web',
      dependencies,
    };
    const kustomize = renderApplication(
      {
        ...base,
        spec: {
          workloads: [{ name: 'web', image: 'x:{branch}' }],
          argocd: { path: 'p' },
        },
      },
      settings,
    );
    const helm = renderApplication(
      {
        ...base,
        name: `dep-argo-helm-${run}`,
        spec: {
          workloads: [{ name: 'web', image: 'x:{branch}' }],
          argocd: { path: 'c', helm: {} },
        },
      },
      settings,
    );
    const serverSideApply = k8s.PatchStrategy.ServerSideApply;
    for (const app of [kustomize, helm]) {
      await waitFor('the Application CRD to serve', async () => {
        const applied = (await objects.patch(
          app as unknown as KubernetesObject,
          undefined,
          'All',
          'backstage-previews',
          true,
          serverSideApply,
        )) as unknown as ArgoApplication;
        expect(applied.spec.source).toEqual(app.spec.source);
        return true;
      });
    }
    expect(kustomize.spec.source.kustomize?.patches).toHaveLength(1);
    expect(helm.spec.source.helm?.parameters).toContainEqual({
      name: 'previews.dependencies.SERVICE_B_URL',
      value: dependencies[0].url,
    });
  });
});
