import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { previewsModuleArgoCdEngine } from './engines/argocd/argoCdEngineModule';
import { previewsModuleKubernetesEngine } from './engines/kubernetes/kubernetesEngineModule';
import { previewsModuleJira } from './integrations/jira/jiraModule';
import { previewsModuleGitHub } from './scm/github/githubModule';
import { previewsPlugin } from './plugin';

/**
 * The modules installed by default: the Kubernetes and Argo CD engines,
 * GitHub's pull requests and the Jira links. Each does nothing unless its config is set.
 *
 * @public
 */
export const previewsDefaultModules = [
  previewsModuleKubernetesEngine,
  previewsModuleArgoCdEngine,
  previewsModuleGitHub,
  previewsModuleJira,
];

/**
 * The plugin with its default modules: the package's default export. To
 * replace a module, add `previewsPlugin` and the modules you want instead.
 *
 * @public
 */
export const previewsWithDefaultModules = createBackendFeatureLoader({
  loader() {
    return [previewsPlugin, ...previewsDefaultModules];
  },
});
