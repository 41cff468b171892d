/**
 * How a component's preview is built. For now a single workload; later
 * versions read it from the component's repository.
 *
 * @public
 */
export interface PreviewSpec {
  /** Container image; `{branch}` is replaced by the branch slug. */
  image: string;
  /** Port the container listens on (1–65535). */
  port: number;
  /** Plain environment variables for the container. */
  env?: Record<string, string>;
  /** Number of replicas (default 1). */
  replicas?: number;
}
