import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SNIFF_BYTES } from './file-types';

/**
 * Streams one upload to a temp file in `dir`, hashing and counting as it goes; past
 * `maxBytes` it stops writing but keeps reading, because a multipart parser stalls on a
 * file stream nobody drains. `check` then judges the size and the first bytes and names the
 * type (or throws); on any failure the temp file is removed. Attachments and documents share it.
 */
export async function receiveToTemp(
  source: AsyncIterable<Buffer>,
  opts: { dir: string; maxBytes: number; check: (size: number, head: Buffer) => string },
): Promise<{ tmpPath: string; sha256: string; size: number; mimeType: string }> {
  mkdirSync(opts.dir, { recursive: true });
  const tmpPath = join(opts.dir, `${randomBytes(12).toString('hex')}.part`);
  const out = await open(tmpPath, 'wx', 0o600);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > opts.maxBytes) continue;
      hash.update(chunk);
      if (headBytes < SNIFF_BYTES) {
        head.push(chunk);
        headBytes += chunk.length;
      }
      await out.write(chunk);
    }
    await out.close();
    const mimeType = opts.check(size, Buffer.concat(head).subarray(0, SNIFF_BYTES));
    return { tmpPath, sha256: hash.digest('hex'), size, mimeType };
  } catch (err) {
    await out.close().catch(() => {});
    await rm(tmpPath, { force: true });
    throw err;
  }
}
