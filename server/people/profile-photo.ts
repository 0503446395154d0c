import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { loadOnFirstUse } from '../core/load-on-first-use';

const loadSharp = loadOnFirstUse(() => import('sharp'));

const MAX_BYTES = 5 * 1024 * 1024;
const SIZE = 256;

export const ZSetPhotoInput = z.object({
  /** The picked image, base64; at most 5 MB before encoding. */
  dataBase64: z.string().min(1, 'Choose an image.').max(Math.ceil((MAX_BYTES * 4) / 3) + 4, 'Use an image of at most 5 MB.'),
});

const photoPath = (dataDir: string, sha: string) => join(dataDir, 'photos', `${sha}.webp`);

/**
 * Profile photo: decoded and re-encoded server side (256×256 WebP), so what is stored and
 * shown is always a plain image we made, whatever was uploaded.
 */
export async function setProfilePhoto(ctx: ServiceContext, userId: number, input: unknown): Promise<{ photoDataUrl: string }> {
  const { dataBase64 } = ZSetPhotoInput.parse(input);
  const raw = Buffer.from(dataBase64, 'base64');
  if (raw.length > MAX_BYTES) throw new AppError('BAD_INPUT', 'Use an image of at most 5 MB.', { field: 'photo' });
  let webp: Buffer;
  try {
    const { default: sharp } = await loadSharp();
    const meta = await sharp(raw, { limitInputPixels: 40_000_000 }).metadata();
    if (!meta.format || !['jpeg', 'png', 'webp', 'gif'].includes(meta.format)) throw new Error(`format ${meta.format}`);
    webp = await sharp(raw, { limitInputPixels: 40_000_000 }).rotate().resize(SIZE, SIZE, { fit: 'cover' }).webp({ quality: 82 }).toBuffer();
  } catch {
    throw new AppError('BAD_INPUT', 'Use a JPEG, PNG, WebP or GIF image.', { field: 'photo' });
  }
  const sha = createHash('sha256').update(webp).digest('hex');
  const file = photoPath(ctx.settings.DATA_DIR, sha);
  if (!existsSync(file)) {
    mkdirSync(join(ctx.settings.DATA_DIR, 'photos'), { recursive: true });
    writeFileSync(file, webp);
  }
  (await ctx.db.update(users).set({ photoSha256: sha }).where(eq(users.id, userId)));
  return { photoDataUrl: `data:image/webp;base64,${webp.toString('base64')}` };
}

export async function removeProfilePhoto(ctx: ServiceContext, userId: number): Promise<void> {
  (await ctx.db.update(users).set({ photoSha256: null }).where(eq(users.id, userId)));
}

/** The photo as a data URL (small: 256 px WebP), or null. */
export function profilePhotoDataUrl(ctx: ServiceContext, sha: string | null): string | null {
  if (!sha || !/^[a-f0-9]{64}$/.test(sha)) return null;
  const file = photoPath(ctx.settings.DATA_DIR, sha);
  return existsSync(file) ? `data:image/webp;base64,${readFileSync(file).toString('base64')}` : null;
}
