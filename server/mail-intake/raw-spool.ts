import { randomBytes } from 'node:crypto';
import { closeSync, fdatasync, fsync, mkdirSync, open, writevSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { TSettings } from '../settings';
import { rawFilePath, rawMonthDir } from './raw-files';

/** A spool file is not appended to past this size; the next message starts a new one. */
const SPOOL_BYTES = 64 * 1024 * 1024;

const openFile = promisify(open);
const datasync = promisify(fdatasync);
const sync = promisify(fsync);

interface TSpoolFile {
  fd: number;
  rawPath: string;
  month: string;
  size: number;
}

/** The first bytes of a spool file written with records (older ones hold the messages alone). */
export const SPOOL_MAGIC = Buffer.from('PORTICO-SPOOL 2\n');

/**
 * What a spool record says of the message it carries (or, for a large one kept in a file of
 * its own, points at): enough to index it again if its row was lost (a power cut after the
 * `250`, with the row's commit not yet on disk). One JSON line starting with "#" before the
 * message's bytes.
 */
export interface TSpoolRecord {
  /** Bytes of the message that follow the record (0 when `file` holds it). */
  len: number;
  sha256: string;
  /** DATA_DIR-relative path of the .eml holding a large message; absent when the bytes follow. */
  file?: string;
  receivedAt: string;
  envelopeFrom: string | null;
  envelopeTo: string[];
  /** The SMTP client's address and HELO name, for sender authentication. */
  clientIp?: string | null;
  clientHelo?: string | null;
}

/**
 * Accepted messages appended to spool files (DATA_DIR/mail/<yyyy>/<mm>/<time>-<random>.spool)
 * rather than written to a file each: creating and syncing a file per message cost more
 * than the rest of intake together. Each message is preceded by its record (./recover-spool.ts
 * reads them). Messages accepted together are written with one writev (synchronous: it only
 * copies to the page cache, cheaper than a hand-off to libuv's threads) and made durable with
 * one fdatasync (asynchronous: it waits for the disk); their rows may point at them only after
 * `append` resolved. A file is only ever appended to by the process that created it, so a
 * message half-written when the process died is never referenced; after a failed write the
 * next append starts a new file too.
 */
export class RawSpool {
  private file: TSpoolFile | null = null;

  constructor(private readonly settings: TSettings) {}

  /**
   * Writes the records (each with the message bytes that follow it, if any) and syncs them;
   * where each message's bytes start. Calls must not overlap.
   */
  async append(now: Date, entries: readonly { record: TSpoolRecord; body: Buffer | null }[]): Promise<{ rawPath: string; offset: number }[]> {
    const file = await this.fileFor(now);
    const buffers: Buffer[] = file.size === 0 ? [SPOOL_MAGIC] : [];
    let end = file.size + (file.size === 0 ? SPOOL_MAGIC.length : 0);
    const placed = entries.map(({ record, body }) => {
      const head = Buffer.from(`#${JSON.stringify(record)}\n`);
      buffers.push(head);
      if (body) buffers.push(body);
      const at = { rawPath: file.rawPath, offset: end + head.length };
      end += head.length + (body?.length ?? 0);
      return at;
    });
    try {
      writeAll(file.fd, buffers, file.size);
      await datasync(file.fd);
    } catch (err) {
      this.file = null;
      closeQuietly(file.fd);
      throw err;
    }
    file.size = end;
    return placed;
  }

  close(): void {
    if (this.file) closeSync(this.file.fd);
    this.file = null;
  }

  private async fileFor(now: Date): Promise<TSpoolFile> {
    const month = rawMonthDir(now);
    if (this.file && this.file.month === month && this.file.size < SPOOL_BYTES) return this.file;
    this.close();
    const stamp = now.toISOString().replace(/[-:]|\.\d+Z$/g, '');
    const rawPath = join(month, `${stamp}-${randomBytes(4).toString('hex')}.spool`);
    const path = rawFilePath(this.settings, rawPath);
    mkdirSync(dirname(path), { recursive: true });
    const fd = await openFile(path, 'wx', 0o600);
    try {
      await syncDirectory(dirname(path)); // the new name must survive a power loss as well as the bytes
    } catch (err) {
      closeQuietly(fd);
      throw err;
    }
    this.file = { fd, rawPath, month, size: 0 };
    return this.file;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already unusable
  }
}

/** fsync of a folder, so a file created or renamed in it survives a power cut. */
export async function syncDirectory(path: string): Promise<void> {
  const fd = await openFile(path, 'r');
  try {
    await sync(fd);
  } finally {
    closeSync(fd);
  }
}

/** writev until every byte is written (a write may be short). */
function writeAll(fd: number, buffers: readonly Buffer[], position: number): void {
  const rest = buffers.filter((b) => b.length);
  while (rest.length) {
    const bytesWritten = writevSync(fd, rest, position);
    if (bytesWritten === 0) throw new Error('The spool file takes no more bytes.');
    position += bytesWritten;
    let skip = bytesWritten;
    while (rest.length && skip >= rest[0]!.length) skip -= rest.shift()!.length;
    if (skip) rest[0] = rest[0]!.subarray(skip);
  }
}
