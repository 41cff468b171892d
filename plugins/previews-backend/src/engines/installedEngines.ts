import {
  PreviewEngine,
  PreviewEngineContext,
  PreviewEngineFactory,
} from '@backstage-previews/plugin-previews-node';

/**
 * The engines previews run on: those the modules added (the Kubernetes and
 * Argo CD engines are modules too), factories built with the installation
 * id. Two engines with one id are refused at startup: which one a preview
 * runs on must not depend on the order modules start in.
 */
export async function installedEngines(
  added: ReadonlyArray<PreviewEngine | PreviewEngineFactory>,
  context: PreviewEngineContext,
): Promise<Map<string, PreviewEngine>> {
  const engines = new Map<string, PreviewEngine>();
  for (const entry of added) {
    const engine = typeof entry === 'function' ? await entry(context) : entry;
    if (engines.has(engine.id)) {
      throw new Error(
        `Two previews engines have the id ${JSON.stringify(
          engine.id,
        )}. Install only one: to replace a default engine, ` +
          'add previewsPlugin and the modules you want instead of the package default (see the README).',
      );
    }
    engines.set(engine.id, engine);
  }
  return engines;
}
