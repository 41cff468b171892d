export { EntityPreviewsContent } from './EntityPreviewsContent';
export type { EntityPreviewsContentProps } from './EntityPreviewsContent';
export { EntityPreviewsCard } from './EntityPreviewsCard';
export type { EntityPreviewsCardProps } from './EntityPreviewsCard';
export { PreviewsPage } from './PreviewsPage';
export type { PreviewsPageProps } from './PreviewsPage';
