import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const HEAD_BYTES = 64 * 1024;
/** Larger messages go to a temp file as they arrive, so 100 clients cannot fill the memory. */
const MEMORY_BYTES = 1024 * 1024;

export type TReceivedData =
  | { tooBig: true; size: number }
  | { tooBig: false; data: Buffer | { tmpPath: string }; sha256: string; size: number; head: Buffer };

/**
 * Reads a DATA stream to its end, hashing as it goes. Past `maxBytes` it keeps reading but
 * stores nothing (a sender that is not read to the end never sees our 552). A temp file is
 * removed again on error or when the message turns out too big.
 */
export async function receiveData(stream: AsyncIterable<Buffer>, opts: { maxBytes: number; tmpDir: string }): Promise<TReceivedData> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  let file: { fh: FileHandle; path: string } | null = null;
  let head: Buffer | null = null;
  const dropFile = async () => {
    if (!file) return;
    const { fh, path } = file;
    file = null;
    await fh.close().catch(() => {});
    await rm(path, { force: true });
  };
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > opts.maxBytes) {
        chunks.length = 0;
        head = null;
        await dropFile();
        continue;
      }
      hash.update(chunk);
      if (file) {
        await file.fh.write(chunk);
        continue;
      }
      chunks.push(chunk);
      if (size > MEMORY_BYTES) {
        mkdirSync(opts.tmpDir, { recursive: true });
        const path = join(opts.tmpDir, `${randomBytes(12).toString('hex')}.eml.part`);
        file = { fh: await open(path, 'wx', 0o600), path };
        const start = Buffer.concat(chunks);
        await file.fh.write(start);
        head = start.subarray(0, HEAD_BYTES);
        chunks.length = 0;
      }
    }
    if (size > opts.maxBytes) return { tooBig: true, size };
    const sha256 = hash.digest('hex');
    if (file) {
      const { fh, path } = file;
      file = null;
      await fh.close();
      return { tooBig: false, data: { tmpPath: path }, sha256, size, head: head ?? Buffer.alloc(0) };
    }
    const data = Buffer.concat(chunks);
    return { tooBig: false, data, sha256, size, head: data.subarray(0, HEAD_BYTES) };
  } catch (err) {
    await dropFile();
    throw err;
  }
}
