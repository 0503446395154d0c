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
let cleanup: () => void;
beforeAll(async () => {
  ({ ctx, clock, cleanup } = freshContext());
  await seedDemo(ctx);
});
afterAll(() => cleanup());

const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '10.0.0.1' };
const mailCount = () => ctx.db.select().from(outbox).all().length;
const lastToken = () => /token=([a-z2-7]{32})/.exec(ctx.db.select().from(outbox).orderBy(desc(outbox.id)).get()!.textBody)![1]!;

describe('password reset', () => {
  it('answers the same for a known and an unknown email, and mails only the known one', () => {
    const before = mailCount();
    expect(requestPasswordReset(ctx, { email: 'nobody@acme-dental.test' }, '1.1.1.1').message).toBe(RESET_REQUESTED);
    expect(mailCount()).toBe(before);
    expect(requestPasswordReset(ctx, { email: 'billing@acme-dental.test' }, '1.1.1.1').message).toBe(RESET_REQUESTED);
    expect(mailCount()).toBe(before + 1);
  });

  it('expires after an hour', async () => {
    requestPasswordReset(ctx, { email: 'technical@acme-dental.test' }, '1.1.1.2');
    const token = lastToken();
    clock.advance(60 * 60_000 + 1);
    await expect(resetPassword(ctx, { token, password: 'fresh long secret', confirmPassword: 'fresh long secret' }, '127.0.0.1')).rejects.toThrow('Invalid or expired link');
  });

  it('works once, unlocks, and ends every session of the user', async () => {
    const email = 'primary@acme-dental.test';
    const s = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta);
    expect(s.kind).toBe('signed-in');
    const user = ctx.db.select().from(users).where(eq(users.email, email)).get()!;
    ctx.db.update(users).set({ lockedAt: clock.now(), failedAttempts: 7 }).where(eq(users.id, user.id)).run();
    requestPasswordReset(ctx, { email }, '1.1.1.3');
    const token = lastToken();
    await resetPassword(ctx, { token, password: 'fresh long secret', confirmPassword: 'fresh long secret' }, '127.0.0.1');
    expect(ctx.db.select().from(sessions).where(eq(sessions.userId, user.id)).all()).toHaveLength(0);
    await expect(resetPassword(ctx, { token, password: 'other long secret', confirmPassword: 'other long secret' }, '127.0.0.1')).rejects.toThrow('Invalid or expired link');
    const again = await signInWithPassword(ctx, { email, password: 'fresh long secret' }, meta);
    expect(again.kind).toBe('signed-in');
  });

  it('refuses a password with the word "password" or the user name', async () => {
    requestPasswordReset(ctx, { email: 'standard@acme-dental.test' }, '1.1.1.4');
    const token = lastToken();
    await expect(resetPassword(ctx, { token, password: 'mypassword123', confirmPassword: 'mypassword123' }, '127.0.0.1')).rejects.toThrow('password');
    await expect(resetPassword(ctx, { token, password: 'standard-rocks', confirmPassword: 'standard-rocks' }, '127.0.0.1')).rejects.toThrow('name or email');
  });
});
