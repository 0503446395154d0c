import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { outbox } from '../../../db/schema/outbox';
import { sessions } from '../../../db/schema/sessions';
import { users } from '../../../db/schema/people';
import { requestPasswordReset, resetPassword, RESET_REQUESTED } from '../../../server/auth/password-reset';
import { signInWithPassword } from '../../../server/auth/sign-in';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { freshContext } from '../../helpers/fresh-context';

let ctx: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx, clock, cleanup } = await freshContext());
  await seedDemo(ctx);
});
afterAll(() => cleanup());

const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '10.0.0.1' };
const mailCount = async () => (await ctx.db.select().from(outbox)).length;
const lastToken = async () => /token=([a-z2-7]{32})/.exec((await ctx.db.select().from(outbox).orderBy(desc(outbox.id)))[0]!.textBody)![1]!;

describe('password reset', () => {
  it('answers the same for a known and an unknown email, and mails only the known one', async () => {
    const before = await mailCount();
    expect((await requestPasswordReset(ctx, { email: 'nobody@acme-dental.test' }, '1.1.1.1')).message).toBe(RESET_REQUESTED);
    expect(await mailCount()).toBe(before);
    expect((await requestPasswordReset(ctx, { email: 'billing@acme-dental.test' }, '1.1.1.1')).message).toBe(RESET_REQUESTED);
    expect(await mailCount()).toBe(before + 1);
  });

  it('expires after an hour', async () => {
    await requestPasswordReset(ctx, { email: 'technical@acme-dental.test' }, '1.1.1.2');
    const token = await lastToken();
    clock.advance(60 * 60_000 + 1);
    await expect(resetPassword(ctx, { token, password: 'fresh long secret', confirmPassword: 'fresh long secret' }, '127.0.0.1')).rejects.toThrow('Invalid or expired link');
  });

  it('works once, unlocks, and ends every session of the user', async () => {
    const email = 'primary@acme-dental.test';
    const s = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta);
    expect(s.kind).toBe('signed-in');
    const user = (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!;
    (await ctx.db.update(users).set({ lockedAt: clock.now(), failedAttempts: 7 }).where(eq(users.id, user.id)));
    await requestPasswordReset(ctx, { email }, '1.1.1.3');
    const token = await lastToken();
    await resetPassword(ctx, { token, password: 'fresh long secret', confirmPassword: 'fresh long secret' }, '127.0.0.1');
    expect((await ctx.db.select().from(sessions).where(eq(sessions.userId, user.id)))).toHaveLength(0);
    await expect(resetPassword(ctx, { token, password: 'other long secret', confirmPassword: 'other long secret' }, '127.0.0.1')).rejects.toThrow('Invalid or expired link');
    const again = await signInWithPassword(ctx, { email, password: 'fresh long secret' }, meta);
    expect(again.kind).toBe('signed-in');
  });

  it('refuses a password with the word "password" or the user name', async () => {
    await requestPasswordReset(ctx, { email: 'standard@acme-dental.test' }, '1.1.1.4');
    const token = await lastToken();
    await expect(resetPassword(ctx, { token, password: 'mypassword123', confirmPassword: 'mypassword123' }, '127.0.0.1')).rejects.toThrow('password');
    await expect(resetPassword(ctx, { token, password: 'standard-rocks', confirmPassword: 'standard-rocks' }, '127.0.0.1')).rejects.toThrow('name or email');
  });
});
