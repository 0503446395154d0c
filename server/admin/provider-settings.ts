import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { providers } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { loadOnFirstUse } from '../core/load-on-first-use';
import { requireStaff, requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { ZCreateProviderInput } from '../people/schemas';

const loadSharp = loadOnFirstUse(() => import('sharp'));

export const ZProviderSettingsInput = z.object({
  name: ZCreateProviderInput.shape.name,
  identifier: ZCreateProviderInput.shape.identifier,
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'Use a three-letter currency code such as USD or EUR.'),
  showTimeSpent: z.boolean(),
  /** Mail to support from an unknown sender of a company's email domain adds them as a contact. */
  autoCreateContacts: z.boolean().default(false),
});
export const ZLogoInput = z.object({ dataBase64: z.string().min(1, 'Choose an image.').max(3_000_000, 'Use an image of at most 2 MB.') });

/** Logos live in DATA_DIR/logos/<sha256>.png: the invoice PDF and the portal read them there. */
export const logoPath = (dataDir: string, sha: string) => join(dataDir, 'logos', `${sha}.png`);

export async function getProviderSettings(ctx: ServiceContext) {
  const staff = requireStaff(ctx.actor);
  const p = (await ctx.db.select().from(providers).where(eq(providers.id, staff.providerId)))[0];
  if (!p) throw new AppError('NOT_FOUND', 'Provider not found.');
  const file = p.logoSha256 ? logoPath(ctx.settings.DATA_DIR, p.logoSha256) : null;
  return {
    name: p.name,
    identifier: p.identifier,
    currency: p.currency,
    showTimeSpent: p.showTimeSpent,
    autoCreateContacts: p.autoCreateContacts,
    logoDataUrl: file && existsSync(file) ? `data:image/png;base64,${readFileSync(file).toString('base64')}` : null,
  };
}

/** Staff admins: the provider's name, identifier (for "Request access"), currency and time display. */
export async function updateProviderSettings(ctx: ServiceContext, input: unknown, ip: string): Promise<void> {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZProviderSettingsInput.parse(input);
  await unitOfWork(ctx, async (tx) => {
    const taken = (await tx.select({ id: providers.id }).from(providers).where(and(eq(providers.identifier, data.identifier), ne(providers.id, admin.providerId))))[0];
    if (taken) throw new AppError('CONFLICT', 'That service provider identifier is taken.', { field: 'identifier' });
    (await tx.update(providers).set(data).where(eq(providers.id, admin.providerId)));
    await recordAudit(tx, ctx.clock.now(), { kind: 'security_settings_changed', providerId: admin.providerId, actorUserId: admin.userId, ip, detail: { provider: data } });
  });
}

/** The logo, re-encoded as a PNG of at most 480×160 so PDFs and pages get a plain, small image. */
export async function setProviderLogo(ctx: ServiceContext, input: unknown): Promise<{ logoDataUrl: string }> {
  const admin = requireStaffAdmin(ctx.actor);
  const { dataBase64 } = ZLogoInput.parse(input);
  let png: Buffer;
  try {
    const raw = Buffer.from(dataBase64, 'base64');
    const { default: sharp } = await loadSharp();
    const meta = await sharp(raw, { limitInputPixels: 40_000_000 }).metadata();
    if (!meta.format || !['jpeg', 'png', 'webp', 'gif'].includes(meta.format)) throw new Error('format');
    png = await sharp(raw, { limitInputPixels: 40_000_000 }).resize(480, 160, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  } catch {
    throw new AppError('BAD_INPUT', 'Use a JPEG, PNG, WebP or GIF image.', { field: 'logo' });
  }
  const sha = createHash('sha256').update(png).digest('hex');
  const file = logoPath(ctx.settings.DATA_DIR, sha);
  if (!existsSync(file)) {
    mkdirSync(join(ctx.settings.DATA_DIR, 'logos'), { recursive: true });
    writeFileSync(file, png);
  }
  (await ctx.db.update(providers).set({ logoSha256: sha }).where(eq(providers.id, admin.providerId)));
  return { logoDataUrl: `data:image/png;base64,${png.toString('base64')}` };
}
