/**
 * Extension points and the engine interface of Backstage Previews.
 *
 * @packageDocumentation
 */
export * from './PreviewEngine';
export * from './extensions';
export * from './statusListeners';
