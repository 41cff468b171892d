import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { PreviewSpec } from '@backstage-previews/plugin-previews-common';
import { dependencyEnvName } from './dependencyEnvName';

/** One dependency of a component and the variable its URL reaches the workloads through. */
export interface DeclaredDependency {
  /** Entity ref of the dependency component, lower case (as the catalog compares them). */
  entityRef: string;
  env: string;
}

const normalize = (ref: string, namespace: string) =>
  stringifyEntityRef(
    parseEntityRef(ref, {
      defaultKind: 'component',
      defaultNamespace: namespace,
    }),
  ).toLocaleLowerCase('en-US');

/**
 * The dependencies of a component (pure): its `dependsOn` relations to
 * components, then the providers of the APIs it consumes (when given); each
 * once, never itself. Only the catalog defines them: the spec (which may come
 * from the repository at a PR head) only names the env of each, keyed by name
 * or ref; a key that is not one of them wires nothing (no reaching into
 * another team's previews by naming them). The env is otherwise derived from
 * the dependency's name.
 */
export function collectDependencies(
  entity: Entity,
  spec: Pick<PreviewSpec, 'dependencies'>,
  /** Components providing the APIs it consumes (only with `includeConsumedApis`). */
  apiProviders: string[] = [],
): DeclaredDependency[] {
  const namespace = entity.metadata.namespace ?? 'default';
  const self = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const envByRef = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(spec.dependencies ?? {})) {
    envByRef.set(normalize(key, namespace), value?.env);
  }
  const refs = [
    ...(entity.relations ?? [])
      .filter(r => r.type === 'dependsOn')
      .map(r => r.targetRef),
    ...apiProviders,
  ]
    .map(ref => normalize(ref, namespace))
    .filter(ref => ref.startsWith('component:') && ref !== self);
  return [...new Set(refs)].map(entityRef => ({
    entityRef,
    env: envByRef.get(entityRef) ?? dependencyEnvName(entityRef),
  }));
}

/** Components providing the APIs an entity consumes, from the APIs' `apiProvidedBy` relations. */
export function consumedApiRefs(entity: Entity): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === 'consumesApi')
    .map(r => r.targetRef);
}

/** The components providing an API. */
export function apiProviderRefs(api: Entity): string[] {
  return (api.relations ?? [])
    .filter(r => r.type === 'apiProvidedBy')
    .map(r => r.targetRef);
}
