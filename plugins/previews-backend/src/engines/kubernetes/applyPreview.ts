import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PreviewDeployment,
  PreviewTarget,
} from '@backstage-previews/plugin-previews-node';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import { PREVIEW_ID_LABEL } from '../shared/labels';
import { RenderOptions, renderPreviewObjects } from './render';
import { renderSecretAccessBinding } from './renderSecretAccess';
import { SEED_STEP_LABEL } from './renderSeedJobs';
import { applyStages } from './applyStages';
import { clusterRenderOptions } from './clusterRenderOptions';
import { readCopiedSecrets } from './copiedSecrets';
import { prepareDatabases } from './prepareDatabases';
import { serverSideApply } from './serverSideApply';
import { SharedPostgres } from './SharedPostgres';
import { waitForSecretAccess } from './waitForSecretAccess';

/** What applying a preview needs besides the cluster and the deployment. */
export interface ApplyPreviewOptions {
  /** The preview's namespace as it was before this deploy (checked to be this preview's). */
  existing: V1Namespace | undefined;
  logger: LoggerService;
  render?: RenderOptions;
  sharedPostgres?: SharedPostgres;
  seedDownloadImage?: string;
  /** Told as soon as the namespace is applied: the namespace watch may not have seen it yet. */
  onNamespaceApplied: () => void;
}

/** The seed and migrate Jobs of the preview (by its id). */
async function listSeedJobs(
  k8s: K8s,
  cluster: ClusterConnection,
  target: PreviewTarget,
) {
  const list = await cluster.kc
    .makeApiClient(k8s.BatchV1Api)
    .listNamespacedJob({
      namespace: target.name,
      labelSelector: `${PREVIEW_ID_LABEL}=${target.previewId},${SEED_STEP_LABEL}`,
    });
  return list.items;
}

/**
 * Renders the preview's objects and applies them, stage by stage, with
 * server-side apply. Returns what was rendered (what a prune keeps) and the
 * generation of each Deployment as applied (see observePreview).
 */
export async function applyPreview(
  k8s: K8s,
  cluster: ClusterConnection,
  deployment: PreviewDeployment,
  options: ApplyPreviewOptions,
): Promise<{ rendered: KubernetesObject[]; generations: Map<string, number> }> {
  const { existing, logger } = options;
  const copies = await readCopiedSecrets(k8s, cluster, deployment);
  const seedJobs =
    existing && deployment.spec.databases?.postgres
      ? await listSeedJobs(k8s, cluster, deployment)
      : [];
  const render = clusterRenderOptions(cluster, options.render);
  const clusterRole = options.render?.secretAccess?.clusterRole;
  // A namespace made before namespace-scoped Secret access was configured: its binding first, since its database passwords are read next.
  if (existing && render.secretAccess) {
    await serverSideApply(
      k8s,
      cluster,
      deployment,
      renderSecretAccessBinding(deployment, render.secretAccess),
      logger,
    );
    await waitForSecretAccess(k8s, cluster, deployment.name, clusterRole);
  }
  const databases = await prepareDatabases({
    core: cluster.kc.makeApiClient(k8s.CoreV1Api),
    namespaceExists: !!existing,
    deployment,
    existingJobs: seedJobs,
    sharedPostgres: options.sharedPostgres,
    downloadImage: options.seedDownloadImage,
  });
  const rendered = renderPreviewObjects(deployment, render, copies, databases);
  // Jobs run once and cannot change: one of this generation that exists stays as it is.
  const ran = new Set(seedJobs.map(j => j.metadata?.name));
  const toApply = rendered.filter(
    o => !(o.kind === 'Job' && ran.has(o.metadata?.name)),
  );
  const generations = new Map<string, number>();
  const apply = async (o: KubernetesObject) => {
    const applied = await serverSideApply(k8s, cluster, deployment, o, logger);
    if (o.kind === 'Namespace') options.onNamespaceApplied();
    if (
      o.kind === 'Deployment' &&
      applied.metadata?.name &&
      applied.metadata.generation
    ) {
      generations.set(applied.metadata.name, applied.metadata.generation);
    }
    return applied;
  };
  // The namespace first; then policies, accounts, secrets and config, so
  // pods are admitted with their limits and find their config; then the
  // workloads and what routes to them. Each stage in parallel.
  for (const stage of applyStages(toApply)) {
    await Promise.all(stage.map(apply));
    if (stage.some(o => o.kind === 'RoleBinding'))
      await waitForSecretAccess(k8s, cluster, deployment.name, clusterRole);
  }
  return { rendered, generations };
}
