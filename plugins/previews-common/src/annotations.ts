import { Entity } from '@backstage/catalog-model';

/** Set to `"true"` on a component to enable previews for it. @public */
export const PREVIEWS_ENABLED_ANNOTATION = 'backstage-previews.io/enabled';
/** Container image of the component's preview workload, e.g. `ghcr.io/acme/shop:{branch}`. @public */
export const PREVIEWS_IMAGE_ANNOTATION = 'backstage-previews.io/image';
/** Port the preview workload listens on. @public */
export const PREVIEWS_PORT_ANNOTATION = 'backstage-previews.io/port';

/** The component's preview spec as JSON (see PreviewSpec); the repository's `.backstage/preview.yaml` overrides parts of it. @public */
export const PREVIEWS_SPEC_ANNOTATION = 'backstage-previews.io/spec';
/** The engine a component's previews run on (`kubernetes`, `argocd`, or one a module adds). @public */
export const PREVIEWS_ENGINE_ANNOTATION = 'backstage-previews.io/engine';
/** The cluster a component's previews run in. @public */
export const PREVIEWS_CLUSTER_ANNOTATION = 'backstage-previews.io/cluster';
/** How many hours a component's previews live (within `previews.lifecycle`'s bounds). @public */
export const PREVIEWS_TTL_ANNOTATION = 'backstage-previews.io/ttl-hours';

/** Whether an entity has previews enabled (used to show the Previews tab). @public */
export function isPreviewsAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    entity.metadata.annotations?.[PREVIEWS_ENABLED_ANNOTATION] === 'true'
  );
}

/**
 * Where a component's staging deployment answers, e.g. `https://orders.staging.example.com`:
 * what previews of components depending on it are wired to by default. @public
 */
export const PREVIEWS_STAGING_URL_ANNOTATION =
  'backstage-previews.io/staging-url';
