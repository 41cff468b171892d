import type { V1Secret } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { objectMeta } from './renderMetadata';
import { CopiedSecrets } from './renderWorkloads';

/**
 * The copies of the spec's secrets in the preview's namespace, with the type
 * and (base64) data the engine read from each source secret. Throws when a
 * secret of the spec was not read: applying an empty copy would wipe it.
 */
export function renderSecrets(
  d: PreviewDeployment,
  copiedSecrets: CopiedSecrets,
): V1Secret[] {
  return (d.spec.secrets ?? []).map(secret => {
    const copied = Object.prototype.hasOwnProperty.call(
      copiedSecrets,
      secret.name,
    )
      ? copiedSecrets[secret.name]
      : undefined;
    if (!copied) {
      throw new Error(
        `Secret ${secret.name} of preview ${d.name} was not copied from ${secret.copyFrom.namespace}/${secret.copyFrom.name}`,
      );
    }
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: objectMeta(d, secret.name),
      type: copied.type ?? 'Opaque',
      data: { ...copied.data },
    };
  });
}
