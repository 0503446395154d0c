import { open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TInboundMessage } from '../../db/schema/inbound-mail';
import type { TSettings } from '../settings';

/*
 * Where accepted messages are kept: a message of its own in DATA_DIR/mail/<yyyy>/<mm>/<sha256>.eml
 * (large ones, received into a temp file), or `size` bytes at `rawOffset` of a spool file that
 * holds several (./raw-spool.ts). Paths are stored relative to DATA_DIR, so the folder can move.
 */

export const mailDir = (s: TSettings) => join(s.DATA_DIR, 'mail');
export const mailTempDir = (s: TSettings) => join(mailDir(s), 'tmp');
export const rawFilePath = (s: TSettings, rawPath: string) => resolve(s.DATA_DIR, rawPath);
/** The folder of a month's messages, relative to DATA_DIR. */
export const rawMonthDir = (now: Date) => join('mail', String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'));

type TRawRef = Pick<TInboundMessage, 'rawPath' | 'rawOffset' | 'size'>;

/** Where a message's bytes are: the file, the first byte, and how many. */
export function rawRange(s: TSettings, row: TRawRef): { path: string; start: number; size: number } {
  return { path: rawFilePath(s, row.rawPath), start: row.rawOffset ?? 0, size: row.size };
}

/** The message as received; throws when its file is gone or ends early. */
export async function readRawMessage(s: TSettings, row: TRawRef): Promise<Buffer> {
  const { path, start, size } = rawRange(s, row);
  if (row.rawOffset === null) return readFile(path);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await fh.read(buf, at, size - at, start + at);
      if (bytesRead === 0) throw new Error(`${row.rawPath} ends before the message does`);
      at += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}
