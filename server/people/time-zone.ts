import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema/people';
import type { TDb } from '../../db/client';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';

/** Whether the platform knows this IANA zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/*
 * Kept as the browser's list names it: browsers and Node disagree on canonical names
 * (Chromium lists "Asia/Calcutta" where Node says "Asia/Kolkata"), and both accept either.
 * null: show times in the browser's own zone.
 */
export const ZSetTimeZoneInput = z.object({
  timeZone: z.string().trim().min(1).max(64).refine(isTimeZone, 'Choose a time zone from the list.').nullable(),
});

/** [Your name] > Account > Time zone: the zone every date and time is shown in. */
export async function setTimeZone(ctx: ServiceContext, userId: number, input: unknown): Promise<string | null> {
  const { timeZone } = ZSetTimeZoneInput.parse(input);
  await unitOfWork(ctx, async (tx) => {
    (await tx.update(users).set({ timeZone }).where(eq(users.id, userId)));
  });
  return timeZone;
}

/** The person's chosen zone, or null for the browser's. */
export async function timeZoneOf(db: TDb, userId: number): Promise<string | null> {
  return (await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)))[0]?.timeZone ?? null;
}
