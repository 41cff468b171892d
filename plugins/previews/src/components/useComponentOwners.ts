import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';

/**
 * The owner (`spec.owner`, as an entity ref) of each component, from the
 * catalog; components the catalog does not know map to undefined. A catalog
 * failure only leaves the owner filter empty.
 */
export function useComponentOwners(
  entityRefs: string[],
): Record<string, string | undefined> {
  const catalogApi = useApi(catalogApiRef);
  const [owners, setOwners] = useState<Record<string, string | undefined>>({});
  const key = entityRefs.join(',');
  useEffect(() => {
    if (entityRefs.length === 0) return undefined;
    let current = true;
    catalogApi
      .getEntitiesByRefs({
        entityRefs,
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.owner'],
      })
      .then(res => {
        if (!current) return;
        const next: Record<string, string | undefined> = {};
        res.items.forEach((entity, i) => {
          const owner = entity?.spec?.owner;
          next[entityRefs[i]] =
            typeof owner === 'string' ? normalizeOwner(owner) : undefined;
        });
        setOwners(next);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
    // The refs are compared by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalogApi, key]);
  return owners;
}

/** `guests` and `group:guests` -> `group:default/guests`, as the summary names owners. */
function normalizeOwner(owner: string): string {
  const withKind = owner.includes(':') ? owner : `group:${owner}`;
  const [kind, rest] = withKind.split(':', 2);
  return `${kind.toLowerCase()}:${
    rest.includes('/') ? rest : `default/${rest}`
  }`;
}
