/**
 * Shared types, annotations and permissions of Backstage Previews.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './annotations';
export * from './permissions';
export * from './spec';
export * from './databasesSpec';
export * from './specSchema';
export * from './validatePreviewSpec';
export * from './signals';
