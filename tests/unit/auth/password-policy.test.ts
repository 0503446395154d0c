import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { passwordHistory } from '../../../db/schema/password-history';
import { providers, users } from '../../../db/schema/people';
import { sessions } from '../../../db/schema/sessions';
import { changePassword } from '../../../server/auth/change-password';
import { isCommonPassword } from '../../../server/auth/common-passwords';
import { describePolicy, passwordProblems, policyForUser } from '../../../server/auth/password-policy';
import { signInWithPassword } from '../../../server/auth/sign-in';
import type { ServiceContext } from '../../../server/core/context';
import { freshContext } from '../../helpers/fresh-context';

let ctx: ServiceContext;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
  await seedDemo(ctx);
});
afterAll(() => cleanup());

const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '10.0.0.9' };
const policy = { minLength: 8, maxLength: 128, requireClasses: false };
const who = { email: 'sam.jones@acme-dental.test', name: 'Sam Jones' };

async function sessionOf(email: string) {
  const res = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta);
  if (res.kind !== 'signed-in') throw new Error(res.kind);
  const user = (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!;
  return { id: res.sessionId, userId: user.id, user: { email: user.email, name: user.name } };
}

describe('password policy', () => {
  it('ships a common-password list of more than 10 000 entries and uses it', () => {
    expect(isCommonPassword('trustno1')).toBe(true);
    expect(isCommonPassword('QWERTYUIOP')).toBe(true);
    expect(isCommonPassword('correct horse battery staple')).toBe(false);
    expect(passwordProblems(policy, 'iloveyou1', who).join(' ')).toContain('too common');
  });

  it('accepts 64 and 128 characters, spaces and quotes, and refuses 129', () => {
    expect(passwordProblems(policy, 'a quoted "phrase" with \'spaces\' ok', who)).toEqual([]);
    expect(passwordProblems(policy, 'x7'.repeat(32), who)).toEqual([]);
    expect(passwordProblems(policy, 'x7k'.repeat(42) + 'zz', who)).toEqual([]);
    expect(passwordProblems(policy, 'x7k'.repeat(43), who).join(' ')).toContain('at most 128');
    expect(passwordProblems(policy, 'short1!', who).join(' ')).toContain('at least 8');
  });

  it('refuses the name, the email and the word password', () => {
    expect(passwordProblems(policy, 'my-sam.jones-2026', who).join(' ')).toContain('name or email');
    expect(passwordProblems(policy, 'hello SamJones!!', who).join(' ')).toContain('name or email');
    expect(passwordProblems(policy, 'SuperPassword9', who).join(' ')).toContain('"password"');
  });

  it('applies the optional three-of-four classes rule and a longer minimum from the provider', () => {
    const strict = { minLength: 12, maxLength: 128, requireClasses: true };
    expect(passwordProblems(strict, 'alllowercaseletters', who).join(' ')).toContain('three of');
    expect(passwordProblems(strict, 'Mixed case 42 ok', who)).toEqual([]);
    expect(passwordProblems(strict, 'Ab1!short', who).join(' ')).toContain('at least 12');
    expect(describePolicy(strict)[0]).toBe('12 to 128 characters; spaces and any symbols are allowed.');
  });

  it("takes the strictest policy of the user's providers", async () => {
    const demo = (await ctx.db.select().from(providers))[0]!;
    (await ctx.db.update(providers).set({ passwordMinLength: 14, passwordRequireClasses: true }).where(eq(providers.id, demo.id)));
    const u = (await ctx.db.select().from(users).where(eq(users.email, 'standard@northwind.test')))[0]!;
    expect(await policyForUser(ctx.db, u.id)).toMatchObject({ minLength: 14, requireClasses: true });
    (await ctx.db.update(providers).set({ passwordMinLength: 8, passwordRequireClasses: false }).where(eq(providers.id, demo.id)));
  });
});

describe('change password', () => {
  it('needs the current password, refuses the last five, and ends the other sessions', async () => {
    const email = 'billing@northwind.test';
    const other = await sessionOf(email);
    const s = await sessionOf(email);
    const change = (currentPassword: string, password: string) =>
      changePassword(ctx, s, { currentPassword, password, confirmPassword: password }, '10.0.0.9');

    await expect(change('not my password', 'brand new secret 1')).rejects.toThrow('current password is not right');
    await expect(change(DEMO_PASSWORD, DEMO_PASSWORD)).rejects.toThrow('last 5');
    const res = await change(DEMO_PASSWORD, 'brand new secret 1');
    expect(res.endedSessions).toBe(1);
    expect((await ctx.db.select().from(sessions).where(eq(sessions.id, other.id)))[0]).toBeUndefined();
    expect((await ctx.db.select().from(sessions).where(eq(sessions.id, s.id)))[0]).toBeDefined();

    for (let i = 2; i <= 5; i++) await change(`brand new secret ${i - 1}`, `brand new secret ${i}`);
    // The current one and the four before it are refused; the sixth-oldest is allowed again.
    for (let i = 1; i <= 5; i++) await expect(change('brand new secret 5', `brand new secret ${i}`)).rejects.toThrow('last 5');
    await change('brand new secret 5', DEMO_PASSWORD);
    const u = (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!;
    expect((await ctx.db.select().from(passwordHistory).where(eq(passwordHistory.userId, u.id)))).toHaveLength(4);
  }, 60_000);

  it('rejects bad input with clear messages', async () => {
    const s = await sessionOf('technical@northwind.test');
    await expect(changePassword(ctx, s, { currentPassword: '', password: 'x', confirmPassword: 'x' }, '1.2.3.4')).rejects.toThrow('Enter your current password.');
    await expect(changePassword(ctx, s, { currentPassword: DEMO_PASSWORD, password: 'long enough one', confirmPassword: 'other' }, '1.2.3.4')).rejects.toThrow('do not match');
  });
});
