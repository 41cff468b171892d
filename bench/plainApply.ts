import { randomUUID } from 'node:crypto';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { renderPreviewObjects } from '../plugins/previews-backend/src/engines/kubernetes/render';
import { applyStages } from '../plugins/previews-backend/src/engines/kubernetes/applyStages';
import { firstOk } from './previewUrl';
import { waitFor } from './stats';

/**
 * The floor of P7: the same objects a preview is made of, applied by a plain
 * client-node script in the engine's stages, then waited on until the URL
 * answers 200 through the same reverse proxy. No backend, no database.
 */
export async function measurePlainApplyToHttpOk(options: {
  k8s: typeof import('@kubernetes/client-node');
  kc: KubeConfig;
  spec: PreviewSpec;
  count: number;
  run: string;
  proxyPort: number;
}): Promise<number[]> {
  const { k8s, kc } = options;
  const objects = kc.makeApiClient(k8s.KubernetesObjectApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apply = (o: KubernetesObject) =>
    objects.patch(
      o,
      undefined,
      undefined,
      'bench-plain',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  const samples: number[] = [];
  const names: string[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const name = `plain-${options.run}-${i}`;
      names.push(name);
      const host = `${name}.previews.bench`;
      const rendered = renderPreviewObjects({
        previewId: randomUUID(),
        name,
        entityRef: 'component:default/bench',
        branch: `plain-${i}`,
        spec: options.spec,
        host,
      });
      const t = performance.now();
      for (const stage of applyStages(rendered))
        await Promise.all(stage.map(apply));
      samples.push((await firstOk(options.proxyPort, host)) - t);
    }
  } finally {
    for (const name of names)
      await core.deleteNamespace({ name }).catch(() => undefined);
    for (const name of names) {
      await waitFor(
        `namespace ${name} gone`,
        () =>
          core.readNamespace({ name }).then(
            () => false,
            () => true,
          ),
        300_000,
        500,
      );
    }
  }
  return samples;
}
