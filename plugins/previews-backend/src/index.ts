/**
 * Backend plugin of Backstage Previews.
 *
 * @packageDocumentation
 */
export {
  previewsWithDefaultModules as default,
  previewsDefaultModules,
} from './features';
export { previewsPlugin } from './plugin';
export { previewsModuleKubernetesEngine } from './engines/kubernetes/kubernetesEngineModule';
export { previewsModuleArgoCdEngine } from './engines/argocd/argoCdEngineModule';
export { previewsModuleJira } from './integrations/jira/jiraModule';
export { previewsModuleGitHub } from './scm/github/githubModule';
export { previewsScaffolderModule } from './scaffolder/scaffolderModule';
