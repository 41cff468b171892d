import type { UrlReaderServiceReadUrlResponse } from '@backstage/backend-plugin-api';

/**
 * The content of a read, or `undefined` when it is longer than `limit`
 * bytes. With a stream, reading stops at the limit: a huge file in a pull
 * request is not pulled into memory to be refused.
 */
export async function readAtMost(
  response: UrlReaderServiceReadUrlResponse,
  limit: number,
): Promise<Buffer | undefined> {
  if (!response.stream) {
    const whole = await response.buffer();
    return whole.length > limit ? undefined : whole;
  }
  const stream = response.stream();
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    length += buffer.length;
    if (length > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
