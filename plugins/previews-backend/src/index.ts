/**
 * Backend plugin of Backstage Previews.
 *
 * @packageDocumentation
 */
export { previewsPlugin as default } from './plugin';
export {
  createPreviewsConditionalDecision,
  previewsConditions,
  previewsEntityResourceRef,
} from './permissions/rules';
