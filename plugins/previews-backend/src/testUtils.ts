import { Entity } from '@backstage/catalog-model';

/**
 * Polls `fn` until it gives a value (anything but undefined or false), for
 * integration tests that wait on a real cluster. Errors while polling are
 * kept and reported if time runs out.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

/** A catalog component with previews enabled and the given annotations. */
export function previewComponent(name: string, annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage-previews.io/enabled': 'true', ...annotations },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
  };
}
