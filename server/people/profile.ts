import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { contacts, users } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { profilePhotoDataUrl } from './profile-photo';
import { ZName } from './schemas';

const phone = z.string().trim().max(40, 'Use at most 40 characters.').regex(/^[0-9+().\s-]*$/, 'Use digits, spaces and + ( ) - only.');

export const ZUpdateProfileInput = z.object({ name: ZName, phoneOffice: phone.default(''), phoneCell: phone.default('') });

/** The signed-in person's profile: their name, and their phone numbers on their contact records. */
export async function getProfile(ctx: ServiceContext, userId: number) {
  const user = (await ctx.db.select().from(users).where(eq(users.id, userId)))[0];
  const contact = (await ctx.db.select().from(contacts).where(eq(contacts.userId, userId)))[0];
  return {
    name: user?.name ?? '',
    email: user?.email ?? '',
    phoneOffice: contact?.phoneOffice ?? '',
    phoneCell: contact?.phoneCell ?? '',
    photoDataUrl: profilePhotoDataUrl(ctx, user?.photoSha256 ?? null),
  };
}

/** [Your name] > Account > Profile: display name and phones, kept the same on every company. */
export async function updateProfile(ctx: ServiceContext, userId: number, input: unknown): Promise<void> {
  const data = ZUpdateProfileInput.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(users).set({ name: data.name }).where(eq(users.id, userId)));
    (await tx.update(contacts)
      .set({ name: data.name, phoneOffice: data.phoneOffice || null, phoneCell: data.phoneCell || null })
      .where(eq(contacts.userId, userId)));
    emit(`user:${userId}`, 'profile.updated', { name: data.name });
  });
}
