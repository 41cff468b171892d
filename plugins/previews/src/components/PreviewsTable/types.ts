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
  /**
   * The component's Kubernetes tab (Backstage's Kubernetes plugin), when it
   * has one: each row's details link there, naming the preview's namespace.
   */
  kubernetesTabUrl?: string;
  /** Adds a checkbox per row (bulk actions). */
  selection?: {
    selected: ReadonlySet<string>;
    onChange: (selected: Set<string>) => void;
  };
}
