import type { PreviewActionHandlers } from '../PreviewActions';
import { Preview } from '@backstage-previews/plugin-previews-common';

/** Callbacks of the row actions. */
export type PreviewRowHandlers = PreviewActionHandlers;

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
