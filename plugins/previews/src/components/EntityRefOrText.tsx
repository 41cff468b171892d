import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { shortRef } from './format';

/**
 * `kind:[namespace/]name`. The backend's other values are not catalog
 * entities: actors `service:plugin:…` and `anonymous`/`system`, the owner
 * `unowned`.
 */
const CATALOG_REF = /^[^:/]+:(?:[^:/]+\/)?[^:/]+$/;

/**
 * A creator, actor or owner: a link to its entity page when it is a catalog
 * entity ref, otherwise text (EntityRefLink cannot link those).
 */
export function EntityRefOrText(props: {
  entityRef: string;
  defaultKind: string;
  hideIcon?: boolean;
}) {
  const { entityRef, defaultKind, hideIcon } = props;
  if (!CATALOG_REF.test(entityRef)) return <>{shortRef(entityRef)}</>;
  return (
    <EntityRefLink
      entityRef={entityRef}
      defaultKind={defaultKind}
      hideIcon={hideIcon}
    />
  );
}
