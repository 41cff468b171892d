import { Readable } from 'node:stream';
import { readAtMost } from './readAtMost';

/** A read of `chunks` chunks of 64 KiB, counting how many were pulled. */
function chunkedRead(chunks: number) {
  const pulled = { count: 0 };
  function* generate() {
    for (let i = 0; i < chunks; i++) {
      pulled.count++;
      yield Buffer.alloc(64 * 1024, i % 256);
    }
  }
  return {
    pulled,
    response: {
      buffer: async () => {
        throw new Error('the whole file must not be read');
      },
      stream: () =>
        Readable.from(generate(), { objectMode: false, highWaterMark: 1 }),
    },
  };
}

describe('readAtMost', () => {
  it('returns content up to the limit', async () => {
    const { response } = chunkedRead(3);
    const content = await readAtMost(response, 192 * 1024);
    expect(content?.length).toBe(192 * 1024);
    expect(content?.[64 * 1024]).toBe(1);
  });

  it('stops reading once past the limit: a 6.4 MB file is not pulled whole to refuse it', async () => {
    const { response, pulled } = chunkedRead(100);
    await expect(readAtMost(response, 200 * 1024)).resolves.toBeUndefined();
    expect(pulled.count).toBeLessThan(10);
  });

  it('without a stream, checks the buffer', async () => {
    await expect(
      readAtMost({ buffer: async () => Buffer.alloc(11) }, 10),
    ).resolves.toBeUndefined();
    await expect(
      readAtMost({ buffer: async () => Buffer.from('ok') }, 10),
    ).resolves.toEqual(Buffer.from('ok'));
  });
});
