import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../db/schema/people';
import type { ServiceContext } from '../../../server/core/context';
import { getCurrentUser } from '../../../server/auth/current-user';
import { createUserSession } from '../../../server/auth/session';
import { setTimeZone, timeZoneOf } from '../../../server/people/time-zone';
import { seedDemo } from '../../../server/seed/demo-people';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let userId: number;
beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
  userId = (await base.db.select().from(users).where(eq(users.email, 'primary@acme-dental.test')))[0]!.id;
}, 60_000);
afterAll(() => cleanup());

describe('account time zone', () => {
  it('is unset (the browser\'s) until chosen, then stored per user', async () => {
    expect(await timeZoneOf(base.db, userId)).toBeNull();
    expect(await setTimeZone(base, userId, { timeZone: 'Europe/Berlin' })).toBe('Europe/Berlin');
    expect(await timeZoneOf(base.db, userId)).toBe('Europe/Berlin');
    const other = (await base.db.select().from(users).where(eq(users.email, 'standard@acme-dental.test')))[0]!.id;
    expect(await timeZoneOf(base.db, other)).toBeNull();
  });

  it('refuses a zone the platform does not know, and clears back to the browser\'s', async () => {
    await expect(setTimeZone(base, userId, { timeZone: 'Mars/Olympus_Mons' })).rejects.toThrow(/Choose a time zone/);
    expect(await timeZoneOf(base.db, userId)).toBe('Europe/Berlin');
    expect(await setTimeZone(base, userId, { timeZone: null })).toBeNull();
    expect(await timeZoneOf(base.db, userId)).toBeNull();
  });

  it('reaches the client with who is signed in', async () => {
    await setTimeZone(base, userId, { timeZone: 'Asia/Tokyo' });
    const { sessionId } = await createUserSession(base, userId, { deviceClass: 'desktop', browser: 'Chrome 127 on Linux', ip: '127.0.0.1' }, null, false, true);
    expect((await getCurrentUser(base, sessionId))?.timeZone).toBe('Asia/Tokyo');
  });
});
