export { EntityPreviewsContent } from './EntityPreviewsContent';
export type { EntityPreviewsContentProps } from './EntityPreviewsContent';
