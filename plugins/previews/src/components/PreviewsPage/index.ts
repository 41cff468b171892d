export { PreviewsPage } from './PreviewsPage';
export type { PreviewsPageProps } from './PreviewsPage';
