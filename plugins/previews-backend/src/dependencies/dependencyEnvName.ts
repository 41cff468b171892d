import { parseEntityRef } from '@backstage/catalog-model';

/**
 * The default environment variable of a dependency, from its component
 * name: `component:default/orders-api` → `ORDERS_API_URL`. Anything that is
 * not a letter or digit becomes `_`; a leading digit gets a `_` before it.
 */
export function dependencyEnvName(dependencyRef: string): string {
  const name = parseEntityRef(dependencyRef, {
    defaultKind: 'component',
    defaultNamespace: 'default',
  }).name;
  const base = name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${/^[0-9]/.test(base) ? '_' : ''}${base || 'DEPENDENCY'}_URL`;
}

/** The component name of a dependency ref, for messages: `component:default/orders-api` → `orders-api`. */
export function dependencyName(dependencyRef: string): string {
  return parseEntityRef(dependencyRef, {
    defaultKind: 'component',
    defaultNamespace: 'default',
  }).name;
}
