import { BackendPluginRegistrationPoints } from '@backstage/backend-plugin-api';
import {
  PreviewEngine,
  PreviewEngineFactory,
  PreviewStatusListener,
  previewsEnginesExtensionPoint,
  previewsStatusListenersExtensionPoint,
} from '@backstage-previews/plugin-previews-node';
import {
  PreviewSourceControlFactory,
  previewsSourceControlExtensionPoint,
} from './scm/PreviewSourceControl';

/** What modules added through the plugin's extension points, read at init (modules register first). */
export interface ModuleAdditions {
  engines: Array<PreviewEngine | PreviewEngineFactory>;
  statusListeners: PreviewStatusListener[];
  sourceControl?: PreviewSourceControlFactory;
}

/** Registers the plugin's extension points; what modules add lands in the returned object. */
export function registerExtensionPoints(
  env: BackendPluginRegistrationPoints,
): ModuleAdditions {
  const added: ModuleAdditions = { engines: [], statusListeners: [] };
  env.registerExtensionPoint(previewsEnginesExtensionPoint, {
    addEngine: engine => void added.engines.push(engine),
  });
  env.registerExtensionPoint(previewsStatusListenersExtensionPoint, {
    addStatusListener: listener => void added.statusListeners.push(listener),
  });
  env.registerExtensionPoint(previewsSourceControlExtensionPoint, {
    setSourceControl(factory) {
      if (added.sourceControl)
        throw new Error(
          'Previews have one source control integration: a second module set one',
        );
      added.sourceControl = factory;
    },
  });
  return added;
}
