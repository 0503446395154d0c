import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { outbox } from '../../../db/schema/outbox';
import { companies } from '../../../db/schema/people';
import { acceptInvitation, getInvitation, joinWithExistingAccount, sendInvitation } from '../../../server/auth/invitations';
import { signInWithPassword } from '../../../server/auth/sign-in';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { createContact } from '../../../server/people/create-contact';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  const f = await freshContext();
  ({ ctx: base, clock, cleanup } = f);
  await seedDemo(base);
});
afterAll(() => cleanup());

const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '127.0.0.1' };
const lastLinkToken = async () => {
  const mail = (await base.db.select().from(outbox).orderBy(desc(outbox.id)))[0]!;
  return /token=([a-z2-7]{32})/.exec(mail.textBody)![1]!;
};
const acme = async () => (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;

describe('invitations', () => {
  it('sends a link that sets up the account once, and then the person can sign in', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const contact = await createContact(admin, { companyId: (await acme()).id, name: 'Ivy Invited', email: 'ivy@acme-dental.test', types: ['standard'] });
    await sendInvitation(admin, { contactId: contact.id });
    const token = await lastLinkToken();
    expect(await getInvitation(base, { token })).toMatchObject({ name: 'Ivy Invited', email: 'ivy@acme-dental.test', passwordRules: expect.arrayContaining(['Not a common or previously breached password.']) });
    await expect(acceptInvitation(base, { token, password: 'correct horse battery', confirmPassword: 'different' })).rejects.toThrow();
    await acceptInvitation(base, { token, password: 'correct horse battery', confirmPassword: 'correct horse battery' });
    await expect(getInvitation(base, { token })).rejects.toThrow('Invalid or expired invitation');
    await expect(acceptInvitation(base, { token, password: 'another long one', confirmPassword: 'another long one' })).rejects.toThrow('Invalid or expired invitation');
    const res = await signInWithPassword(base, { email: 'ivy@acme-dental.test', password: 'correct horse battery' }, meta);
    expect(res.kind).toBe('signed-in');
  });

  it('kills the old link on resend and expires after 3 days', async () => {
    const primary = await asDemoUser(base, 'primary@acme-dental.test');
    const contact = await createContact(primary, { companyId: (await acme()).id, name: 'Rex Resent', email: 'rex@acme-dental.test', types: ['standard'] });
    await sendInvitation(primary, { contactId: contact.id });
    const first = await lastLinkToken();
    await sendInvitation(primary, { contactId: contact.id });
    const second = await lastLinkToken();
    await expect(getInvitation(base, { token: first })).rejects.toThrow('Invalid or expired invitation');
    expect((await getInvitation(base, { token: second })).email).toBe('rex@acme-dental.test');
    clock.advance(3 * 86_400_000 + 1);
    await expect(getInvitation(base, { token: second })).rejects.toThrow('Invalid or expired invitation');
  });

  it('refuses a Standard contact and another company', async () => {
    const std = await asDemoUser(base, 'standard@acme-dental.test');
    const anyAcme = await createContact(await asDemoUser(base, 'admin@demo-msp.test'), { companyId: (await acme()).id, name: 'Sue', email: 'sue@acme-dental.test', types: ['standard'] });
    await expect(sendInvitation(std, { contactId: anyAcme.id })).rejects.toThrow('You may not invite contacts');
    await expect(sendInvitation(await asDemoUser(base, 'primary@northwind.test'), { contactId: anyAcme.id })).rejects.toThrow('You may not invite contacts');
  });

  it('adds a company to someone who already signs in, without touching their password', async () => {
    const northwind = (await base.db.select().from(companies).where(eq(companies.name, 'Northwind Logistics')))[0]!;
    // standard@acme-dental.test is also wanted at Northwind: same person, same login.
    const contact = await createContact(await asDemoUser(base, 'admin@demo-msp.test'), { companyId: northwind.id, name: 'Sam at Northwind', email: 'standard@acme-dental.test', types: ['standard'] });
    await sendInvitation(await asDemoUser(base, 'admin@demo-msp.test'), { contactId: contact.id });
    const token = await lastLinkToken();
    expect((await getInvitation(base, { token })).hasAccount).toBe(true);
    await expect(acceptInvitation(base, { token, password: 'attacker chosen pw', confirmPassword: 'attacker chosen pw' })).rejects.toThrow('already have an account');
    expect(await joinWithExistingAccount(base, { token })).toEqual({ email: 'standard@acme-dental.test' });
    await expect(joinWithExistingAccount(base, { token })).rejects.toThrow('Invalid or expired invitation');
    const res = await signInWithPassword(base, { email: 'standard@acme-dental.test', password: DEMO_PASSWORD }, meta);
    expect(res.kind === 'signed-in' && res.accounts.map((a) => a.label).sort()).toEqual(['Acme Dental', 'Northwind Logistics']);
  });
});
