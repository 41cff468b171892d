import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PreviewTarget,
  PreviewTestRunRequest,
} from '@backstage-previews/plugin-previews-node';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import { PREVIEW_ID_LABEL } from '../shared/labels';
import { RenderOptions } from './render';
import { podSecurityOf } from './renderPodSecurity';
import { TEST_RUN_LABEL, renderTestRun } from './renderTestRun';
import { serverSideApply } from './serverSideApply';
import { statusCode } from './statusCode';

/**
 * Starts one smoke test run in the preview's namespace: removes the Jobs
 * and Secrets of its other runs (only objects with this preview's id), then
 * applies this run's (the same run applied twice changes nothing: Jobs run
 * once).
 */
export async function startTestRun(
  k8s: K8s,
  cluster: ClusterConnection,
  target: PreviewTarget,
  request: PreviewTestRunRequest,
  options: { render?: RenderOptions; logger: LoggerService },
): Promise<void> {
  const objects = cluster.kc.makeApiClient(k8s.KubernetesObjectApi);
  const others = `${PREVIEW_ID_LABEL}=${target.previewId},${TEST_RUN_LABEL},${TEST_RUN_LABEL}!=${request.run}`;
  for (const [apiVersion, kind] of [
    ['batch/v1', 'Job'],
    ['v1', 'Secret'],
  ]) {
    const list = await objects.list(
      apiVersion,
      kind,
      target.name,
      undefined,
      undefined,
      undefined,
      undefined,
      others,
    );
    for (const o of list.items) {
      try {
        // Background: a Job's pods go with it.
        await objects.delete(
          {
            apiVersion,
            kind,
            metadata: { name: o.metadata?.name, namespace: target.name },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        );
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
    }
  }
  const rendered = renderTestRun(target, request, {
    restricted:
      podSecurityOf(options.render?.podSecurity)?.enforce === 'restricted',
  });
  // The Secret before the Jobs whose pods read it.
  for (const o of rendered)
    await serverSideApply(k8s, cluster, target, o, options.logger);
}
