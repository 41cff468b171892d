import { Preview } from '@backstage-previews/plugin-previews-common';

/** Callbacks of the row actions. */
export interface PreviewRowHandlers {
  onExtend: (preview: Preview) => void;
  onReseed: (preview: Preview) => void;
  onDestroy: (preview: Preview) => void;
  /** Destroy every preview of the preview's group (asks first). */
  onDestroyGroup?: (preview: Preview) => void;
  /** A preview changed through an action (reload). */
  onChanged: (preview: Preview) => void;
  onError: (message: string) => void;
}

/** Props of {@link PreviewsTable}. */
export interface PreviewsTableProps extends PreviewRowHandlers {
  previews: Preview[];
  /** The current time, for ages and expiry countdowns. */
  now: Date;
  /** Adds a component column (the org-wide page). */
  showComponent?: boolean;
  /** Adds a checkbox per row (bulk actions). */
  selection?: {
    selected: ReadonlySet<string>;
    onChange: (selected: Set<string>) => void;
  };
}
