/** The HTTP status of a client-node API error (404, 409, ...). */
export function statusCode(e: unknown): number | undefined {
  return (e as { code?: number })?.code;
}
