/**
 * The tie between the preview spec's TypeScript types (`spec.ts`,
 * `databasesSpec.ts`, where the docs are) and its JSON schema
 * (`specSchema.ts`, the authority): they must describe exactly the same
 * values, or this file fails to compile.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { PreviewSpec } from './spec';
import type { previewSpecSchema } from './specSchema';

/** A preview spec as the JSON schema describes it (derived from the schema by `FromSchema`). */
export type PreviewSpecOfSchema = FromSchema<typeof previewSpecSchema>;

/** `true` when A and B are the same type, not merely assignable to each other. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B
  ? 1
  : 2
  ? true
  : false;

/**
 * A field in one and not the other, or with another type or optionality,
 * makes this `false`, and the assignment a compile error.
 */
export const PREVIEW_SPEC_TYPES_MATCH_SCHEMA: Same<
  PreviewSpec,
  PreviewSpecOfSchema
> = true;
