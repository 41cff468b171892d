import { Entity, RELATION_OWNED_BY, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { createConditionExports, createPermissionResourceRef, createPermissionRule } from '@backstage/plugin-permission-node';
import { PREVIEWS_RESOURCE_TYPE } from '@backstage-previews/plugin-previews-common';

/**
 * A filter in the catalog's query shape (`key` and allowed `values`), so a
 * rule can also be turned into a catalog query.
 */
export interface EntityQueryFilter {
  key: string;
  values?: string[];
}

/**
 * The resource the preview permissions are checked against: the preview's
 * catalog component. Conditions of this plugin (`pluginId: previews`) are
 * evaluated here, against the component.
 */
export const previewsEntityResourceRef = createPermissionResourceRef<Entity, EntityQueryFilter>().with({
  pluginId: 'previews',
  resourceType: PREVIEWS_RESOURCE_TYPE,
});

/** The component's owners as entity refs: its `ownedBy` relations and `spec.owner`. */
export function ownersOf(entity: Entity): string[] {
  const owners = (entity.relations ?? []).filter(r => r.type === RELATION_OWNED_BY).map(r => r.targetRef);
  const owner = entity.spec?.owner;
  if (typeof owner === 'string' && owner) {
    try {
      owners.push(
        stringifyEntityRef(
          parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }),
        ),
      );
    } catch {
      // An owner that is not an entity ref owns nothing.
    }
  }
  return owners.map(o => o.toLocaleLowerCase('en-US'));
}

/**
 * Allows when one of the claims (usually the user's ownership entity refs)
 * owns the preview's component. Same name and parameters as the catalog's
 * rule, so catalog-shaped conditions work here too.
 */
export const isEntityOwner = createPermissionRule<typeof previewsEntityResourceRef, { claims: string[] }>({
  name: 'IS_ENTITY_OWNER',
  description: "Allow when the user (or one of the user's groups) owns the preview's component",
  resourceRef: previewsEntityResourceRef,
  apply(entity, { claims }) {
    const owners = new Set(ownersOf(entity));
    return claims.some(c => owners.has(c.toLocaleLowerCase('en-US')));
  },
  toQuery({ claims }) {
    return { key: 'relations.ownedBy', values: claims };
  },
});

/** Allows when the preview's component is annotated with `annotation` (and, if given, that value). */
export const hasAnnotation = createPermissionRule<
  typeof previewsEntityResourceRef,
  { annotation: string; value?: string }
>({
  name: 'HAS_ANNOTATION',
  description: "Allow when the preview's component has the annotation (with the value, if given)",
  resourceRef: previewsEntityResourceRef,
  apply(entity, { annotation, value }) {
    const actual = entity.metadata.annotations?.[annotation];
    return value === undefined ? actual !== undefined : actual === value;
  },
  toQuery({ annotation, value }) {
    return { key: `metadata.annotations.${annotation}`, ...(value === undefined ? {} : { values: [value] }) };
  },
});

export const previewsPermissionRules = { isEntityOwner, hasAnnotation };

/**
 * For permission policies: `previewsConditions.isEntityOwner({ claims })` and
 * `createPreviewsConditionalDecision(permission, conditions)`.
 * @public
 */
export const { conditions: previewsConditions, createConditionalDecision: createPreviewsConditionalDecision } =
  createConditionExports({ resourceRef: previewsEntityResourceRef, rules: previewsPermissionRules });
