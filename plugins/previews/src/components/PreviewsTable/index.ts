export { PreviewsTable } from './PreviewsTable';
export type { PreviewRowHandlers, PreviewsTableProps } from './types';
