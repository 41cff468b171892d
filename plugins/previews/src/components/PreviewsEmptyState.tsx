import { EmptyState } from '@backstage/core-components';

/** Shown when an entity has no previews yet. */
export function PreviewsEmptyState() {
  return (
    <EmptyState
      missing="data"
      title="No previews yet"
      description={
        'A preview is a temporary environment that runs one branch of this ' +
        'component at its own URL. To create the first one, click ' +
        '"Create preview" and enter the name of a branch whose image has ' +
        'been built. Destroy it when the pull request is done.'
      }
    />
  );
}
