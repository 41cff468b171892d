import { InputError } from '@backstage/errors';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';
import { renderImage } from '../../spec/renderImage';
import {
  BRANCH_ANNOTATION,
  ENTITY_REF_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PREVIEW_ID_LABEL,
  INSTALLATION_LABEL,
  PREVIEW_NAME_LABEL,
} from '../shared/labels';
import { componentLabels } from '../shared/componentLabels';
import {
  ArgoApplication,
  ARGOCD_API_VERSION,
  ARGOCD_FINALIZER,
  ArgoApplicationSource,
} from './application';

/** Settings of the engine that shape every Application. */
export interface ApplicationSettings {
  /** Namespace Argo CD reads Applications from. */
  argoNamespace: string;
  /** Project when the spec names none. */
  defaultProject: string;
  /** API server URL of the cluster previews are deployed to. */
  destinationServer: string;
  /**
   * URLs of the preview's dependencies by name, passed to Helm as
   * `previews.dependencies` (filled by a later feature; empty today).
   */
  dependencies?: Record<string, string>;
  /** Labels the Application as this installation's ({@link INSTALLATION_LABEL}); the orphan sweep reads it. */
  installationId?: string;
}

/** The tag (or digest) of an image reference, empty when it has none. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : '';
}

function fill(template: string, d: PreviewDeployment): string {
  const withHost = template.replace(/\{host\}/g, d.host ?? '');
  return renderImage(withHost, { branch: d.branch, sha: d.sha });
}

/** The resolved dependency URLs by env name. */
function dependencyUrls(d: PreviewDeployment): Record<string, string> {
  return Object.fromEntries(
    (d.dependencies ?? []).map(dependency => [dependency.env, dependency.url]),
  );
}

/**
 * A strategic merge patch giving the container named like a workload, in
 * the Deployment named like it, the dependency URLs as env (merged by name
 * with the overlay's own env). A changed URL changes the pod template, so
 * the Deployment rolls.
 */
function dependencyEnvPatch(
  workload: string,
  dependencies: Array<{ env: string; url: string }>,
) {
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: workload },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: workload,
              env: dependencies.map(x => ({ name: x.env, value: x.url })),
            },
          ],
        },
      },
    },
  };
  return {
    target: {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      name: workload,
    },
    patch: JSON.stringify(patch),
  };
}

/** The labels every Application and every object Argo CD renders for a preview carries. */
export function previewLabels(d: {
  previewId: string;
  name: string;
}): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [PREVIEW_ID_LABEL]: d.previewId,
    [PREVIEW_NAME_LABEL]: d.name,
  };
}

/**
 * How Kustomize labels a preview's objects:
 * - `component`: the preview's and the component's labels (`part-of`,
 *   opt-in `backstage.io/kubernetes-id`) on every object and pod template,
 *   none in selectors, so the Kubernetes plugin finds the pods and a label
 *   may change without touching a selector, which cannot change;
 * - `inSelectors`: only the preview's labels, in selectors too, as
 *   Applications created before `component` were; kept for them, since
 *   taking labels out of an existing Deployment's selector is refused.
 */
export type KustomizeLabels = 'component' | 'inSelectors';

/** The labelling an Application keeps: an existing one's form, `component` for a new one. Pure. */
export function kustomizeLabelsOf(
  existing: ArgoApplication | undefined,
): KustomizeLabels {
  const kustomize = existing?.spec.source.kustomize;
  return !kustomize || kustomize.labelWithoutSelector
    ? 'component'
    : 'inSelectors';
}

/**
 * The Argo CD Application of one preview (pure): named like the preview,
 * deploying `spec.argocd.path` of the component's repository at the commit
 * (else the branch) into the namespace named like the preview, kept in sync
 * automatically, with the workloads' images as Kustomize overrides or Helm
 * parameters. Throws an InputError when the spec has no Argo CD source.
 */
export function renderApplication(
  d: PreviewDeployment,
  settings: ApplicationSettings,
  labelling: KustomizeLabels = 'component',
): ArgoApplication {
  const argocd = d.spec.argocd;
  if (!argocd) {
    throw new InputError(
      `The argocd engine needs an Argo CD source: add argocd: { path: ... } to the preview spec of ${d.entityRef}`,
    );
  }
  const repoURL = argocd.repoURL ?? d.repoUrl;
  if (!repoURL) {
    throw new InputError(
      `No Git repository for the Argo CD Application of ${d.entityRef}: set argocd.repoURL in the preview spec or the annotation backstage.io/source-location`,
    );
  }
  const labels = previewLabels(d);
  const dependencies = { ...settings.dependencies, ...dependencyUrls(d) };
  const images = d.spec.workloads.map(w =>
    renderImage(w.image, { branch: d.branch, sha: d.sha, workload: w.name }),
  );
  const source: ArgoApplicationSource = {
    repoURL,
    path: argocd.path,
    targetRevision: d.sha ?? d.branch,
  };
  if (argocd.helm) {
    const helm = argocd.helm;
    const parameters = [
      {
        name: helm.imageTagParameter ?? 'image.tag',
        value: imageTag(images[0]),
      },
      ...(d.host
        ? [{ name: helm.hostParameter ?? 'ingress.host', value: d.host }]
        : []),
      ...Object.entries(helm.parameters ?? {}).map(([name, value]) => ({
        name,
        value: fill(value, d),
      })),
      // Explicit parameters, so a chart can map them to env (and Argo CD shows them).
      ...Object.entries(dependencyUrls(d)).map(([env, url]) => ({
        name: `previews.dependencies.${env}`,
        value: url,
      })),
    ];
    source.helm = {
      releaseName: d.name,
      ...(helm.valueFiles?.length ? { valueFiles: [...helm.valueFiles] } : {}),
      parameters,
      // As YAML text (JSON is YAML): free-form objects do not survive server-side apply everywhere.
      // `labels`: for a chart to put on its objects (Helm has no common labels).
      values: JSON.stringify({
        previews: {
          name: d.name,
          host: d.host ?? '',
          dependencies,
          labels: { ...labels, ...componentLabels(d) },
        },
      }),
    };
  } else {
    source.kustomize = {
      images: [
        ...images,
        ...(argocd.kustomize?.images ?? []).map(i => fill(i, d)),
      ],
      namespace: d.name,
      ...(labelling === 'component'
        ? {
            commonLabels: { ...labels, ...componentLabels(d) },
            labelWithoutSelector: true,
            labelIncludeTemplates: true,
          }
        : { commonLabels: { ...labels } }),
      ...(d.dependencies?.length
        ? {
            patches: d.spec.workloads.map(w =>
              dependencyEnvPatch(w.name, d.dependencies!),
            ),
          }
        : {}),
    };
  }
  return {
    apiVersion: ARGOCD_API_VERSION,
    kind: 'Application',
    metadata: {
      name: d.name,
      namespace: settings.argoNamespace,
      labels: settings.installationId
        ? { ...labels, [INSTALLATION_LABEL]: settings.installationId }
        : labels,
      annotations: {
        [ENTITY_REF_ANNOTATION]: d.entityRef,
        [BRANCH_ANNOTATION]: d.branch,
      },
      finalizers: [ARGOCD_FINALIZER],
    },
    spec: {
      project: argocd.project ?? settings.defaultProject,
      source,
      destination: { server: settings.destinationServer, namespace: d.name },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
        // Argo CD puts these on the namespace it creates: how we know it is ours.
        managedNamespaceMetadata: { labels: { ...labels } },
      },
    },
  };
}
