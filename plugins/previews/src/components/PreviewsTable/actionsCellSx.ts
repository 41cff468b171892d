/**
 * The actions column stays in view at the right edge: where the table is
 * wider than its card (narrow windows, the org-wide page's extra column) the
 * other columns scroll beneath it.
 */
export const actionsCellSx = {
  whiteSpace: 'nowrap',
  position: 'sticky',
  right: 0,
  zIndex: 1,
  bgcolor: 'background.paper',
} as const;
