import { InputError } from '@backstage/errors';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import type { CopiedSecrets } from './renderWorkloads';
import { statusCode } from './statusCode';

/**
 * Reads the secrets the spec copies into the preview, from their source
 * namespaces (the configured secret sources only: the deploy checks them first).
 */
export async function readCopiedSecrets(
  k8s: K8s,
  cluster: ClusterConnection,
  deployment: PreviewDeployment,
): Promise<CopiedSecrets> {
  const core = cluster.kc.makeApiClient(k8s.CoreV1Api);
  const copies: CopiedSecrets = {};
  for (const s of deployment.spec.secrets ?? []) {
    try {
      const source = await core.readNamespacedSecret({
        name: s.copyFrom.name,
        namespace: s.copyFrom.namespace,
      });
      copies[s.name] = { type: source.type, data: source.data };
    } catch (e) {
      if (statusCode(e) === 404) {
        throw new InputError(
          `Secret ${s.copyFrom.namespace}/${s.copyFrom.name} (copied as ${s.name}) does not exist in cluster ${cluster.name}`,
        );
      }
      throw e;
    }
  }
  return copies;
}
