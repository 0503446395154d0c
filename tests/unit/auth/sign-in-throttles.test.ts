import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { companies, users } from '../../../db/schema/people';
import { reauthenticate } from '../../../server/auth/reauthenticate';
import { LOCKED, setUserPassword, signInWithPassword } from '../../../server/auth/sign-in';
import { passkeySignInOptions, signInWithPasskey } from '../../../server/auth/webauthn/passkey-sign-in';
import { beginWebauthnRegistration, finishWebauthnRegistration } from '../../../server/auth/webauthn/registration';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { createContact } from '../../../server/people/create-contact';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';
import { SoftAuthenticator } from '../../helpers/soft-authenticator';

/*
 * Sign-in throttles count failures, not people: an office behind one address signs in every
 * morning; a guesser is held back; and a locked-out email is told so, known or not.
 */

let ctx: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ ctx, clock, cleanup } = await freshContext());
  await seedDemo(ctx);
});
afterAll(() => cleanup());
// Each test starts past the 10-minute windows of the one before.
beforeEach(() => clock.advance(60 * 60_000));

const meta = (ip: string) => ({ deviceClass: 'desktop' as const, browser: 'Test', ip });
const userId = async (email: string) => (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!.id;

/** What the caller sees of a refused sign-in: its code and its words. */
async function refusal(email: string, password: string, ip: string): Promise<{ code: string; message: string }> {
  try {
    await signInWithPassword(ctx, { email, password }, meta(ip));
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    return { code, message };
  }
  throw new Error(`${email} signed in`);
}

describe('lockout message (seed 001)', () => {
  it('tells a real and an unknown email alike that they are locked, from the same attempt on, and how to unlock', async () => {
    const limit = ctx.settings.LOCKOUT_ATTEMPTS;
    const real = 'standard@acme-dental.test';
    // Typed in another case and with spaces: the same email, counted together.
    const unknown = (i: number) => (i % 2 ? '  Nobody.Here@Acme-Dental.test ' : 'nobody.here@acme-dental.test');
    for (let i = 1; i <= limit + 2; i++) {
      const a = await refusal(real, `wrong-${i}`, `10.1.0.${i}`);
      const b = await refusal(unknown(i), `wrong-${i}`, `10.1.1.${i}`);
      expect(b).toEqual(a);
      expect(a.code).toBe('UNAUTHENTICATED');
      if (i < limit) expect(a.message).not.toBe(LOCKED);
      else expect(a.message).toBe(LOCKED);
    }
    expect(LOCKED).toMatch(/^This account is locked.*"Forgot password\?".*administrator/);
    // The right password does not get past the lock; it gets the same words.
    expect(await refusal(real, DEMO_PASSWORD, '10.1.2.1')).toEqual({ code: 'UNAUTHENTICATED', message: LOCKED });
    // Another unknown email has its own count.
    expect((await refusal('someone.else@acme-dental.test', 'wrong', '10.1.2.2')).message).not.toBe(LOCKED);
  });

  it('counts an unknown email across addresses, as an account is counted', async () => {
    const email = 'ghost@northwind.test';
    for (let i = 1; i < ctx.settings.LOCKOUT_ATTEMPTS; i++) await refusal(email, 'wrong', `10.2.0.${i}`);
    // Long after, from yet another address, the next failure locks it, as it would an account.
    clock.advance(30 * 24 * 3_600_000);
    expect((await refusal(email, 'wrong', '10.2.1.1')).message).toBe(LOCKED);
  });
});

describe('the per-IP sign-in throttle', () => {
  const office = '10.3.0.1';
  let emails: string[];
  beforeAll(async () => {
    const admin = await asDemoUser(ctx, 'admin@demo-msp.test');
    const company = (await ctx.db.select().from(companies).where(eq(companies.name, 'Northwind Logistics')))[0]!;
    emails = [];
    for (let i = 0; i < 35; i++) {
      const email = `office-${i}@northwind.test`;
      await createContact(admin, { companyId: company.id, name: `Office Person ${i}`, email, types: ['standard'] });
      await setUserPassword(ctx, await userId(email), DEMO_PASSWORD);
      emails.push(email);
    }
  });

  it('lets 35 people behind one address sign in, one after another', async () => {
    for (const email of emails) {
      expect((await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta(office))).kind).toBe('signed-in');
    }
  });

  it('still holds back an address after 30 failed passwords, the right one included', async () => {
    const ip = '10.3.0.2';
    // Signing in successfully in between does not wipe the failures out.
    for (let i = 0; i < 30; i++) {
      expect((await refusal(`nobody-${i}@example.test`, 'not-the-password', ip)).code).toBe('UNAUTHENTICATED');
      if (i % 10 === 0) expect((await signInWithPassword(ctx, { email: emails[i]!, password: DEMO_PASSWORD }, meta(ip))).kind).toBe('signed-in');
    }
    expect((await refusal(emails[1]!, DEMO_PASSWORD, ip)).code).toBe('RATE_LIMITED');
    expect((await signInWithPassword(ctx, { email: emails[1]!, password: DEMO_PASSWORD }, meta('10.3.0.3'))).kind).toBe('signed-in');
  });

  it('holds back one email from one address after 10 failures, while the others there go on', async () => {
    const ip = '10.3.0.4';
    const email = 'guessed@example.test';
    for (let i = 0; i < 10; i++) expect((await refusal(email, `guess-${i}`, ip)).code).toBe('UNAUTHENTICATED');
    expect((await refusal(email, 'guess-10', ip)).code).toBe('RATE_LIMITED');
    expect((await refusal(email, 'guess-11', '10.3.0.5')).code).toBe('UNAUTHENTICATED');
    expect((await signInWithPassword(ctx, { email: emails[2]!, password: DEMO_PASSWORD }, meta(ip))).kind).toBe('signed-in');
  });

  it('does not count a right password confirmed again (re-authentication) against the address', async () => {
    const ip = '10.3.0.6';
    const session = { id: 'session-reauth', userId: await userId(emails[3]!), user: { email: emails[3]! }, reauthenticatedAt: null };
    for (let i = 0; i < 35; i++) await reauthenticate(ctx, session, { password: DEMO_PASSWORD }, ip);
    expect((await signInWithPassword(ctx, { email: emails[4]!, password: DEMO_PASSWORD }, meta(ip))).kind).toBe('signed-in');
  });

  it('does not count passkey sign-ins that succeed against the address', async () => {
    const ip = '10.3.0.7';
    const email = emails[5]!;
    const auth = new SoftAuthenticator();
    const session = { id: 'session-passkey', userId: await userId(email), reauthenticatedAt: clock.now() };
    const options = await beginWebauthnRegistration(ctx, session);
    await finishWebauthnRegistration(ctx, session, { name: 'Key', response: auth.create(options, { origin: 'http://localhost:3000' }) }, ip);
    for (let i = 0; i < 35; i++) {
      const response = auth.get(await passkeySignInOptions(ctx, ip), { origin: 'http://localhost:3000' });
      // Past three desktop sessions the answer is "Too many active sessions": still a sign-in.
      expect(['signed-in', 'session-limit']).toContain((await signInWithPasskey(ctx, { response }, meta(ip))).kind);
    }
  });
});
