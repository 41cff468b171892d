import Button from '@mui/material/Button';
import { EmptyState } from '@backstage/core-components';

/** Where the preview spec is documented (the project's README). */
export const DEFAULT_PREVIEWS_DOCS_URL =
  'https://github.com/backstage-previews/backstage-previews#the-preview-spec';

/** Shown when an entity has no previews yet. */
export function PreviewsEmptyState(props: { docsUrl?: string }) {
  const { docsUrl = DEFAULT_PREVIEWS_DOCS_URL } = props;
  return (
    <EmptyState
      missing="data"
      title="No previews yet"
      description={
        'A preview is a temporary environment that runs one branch of this ' +
        'component at its own URL. To create the first one, click ' +
        '"Create preview" and pick an open pull request or a branch whose ' +
        'image has been built, or add the preview label to a pull request. ' +
        "What runs in it comes from the component's preview spec " +
        '(.backstage/preview.yaml or annotations). Previews expire on their ' +
        'own; destroy one when the pull request is done.'
      }
      action={
        <Button
          variant="outlined"
          href={docsUrl}
          target="_blank"
          rel="noopener noreferrer"
        >
          How to write a preview spec
        </Button>
      }
    />
  );
}
