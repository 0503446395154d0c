import { eq } from 'drizzle-orm';
import { system, type TActor } from '../core/actor';
import { withActor, type ServiceContext } from '../core/context';
import { setUserPassword } from '../auth/sign-in';
import { actorForAccount } from '../auth/accounts';
import { createCompany } from '../people/create-company';
import { createContact } from '../people/create-contact';
import { createProvider } from '../people/create-provider';
import { createStaffMember } from '../people/create-staff-member';
import { addReply } from '../tickets/add-reply';
import { closeTicket, rateTicket } from '../tickets/contact-actions';
import { createTicket } from '../tickets/create-ticket';
import { logTime } from '../tickets/log-time';
import { updateTicket } from '../tickets/update-ticket';
import { addWatcher } from '../tickets/watchers';
import { providers, users } from '../../db/schema/people';
import type { TContactType } from '../../db/schema/people';

export const DEMO_PASSWORD = 'portico-demo-2026';

export interface TDemoSignIn {
  email: string;
  role: string;
}

export async function isDatabaseEmpty(ctx: ServiceContext): Promise<boolean> {
  return (await ctx.db.select({ id: providers.id }).from(providers).limit(1)).length === 0;
}

/**
 * Demo provider, staff, two client companies with every contact type, and tickets (through
 * the services, so numbers, SLA due times and events are real): categories, replies, an
 * internal note, assignees, a watcher, logged time, and a closed ticket with a rating.
 */
export async function seedDemo(base: ServiceContext): Promise<TDemoSignIn[]> {
  const sys = withActor(base, system);
  const provider = await createProvider(sys, { name: 'Demo MSP', identifier: 'demo-msp', currency: 'USD' });
  const signIns: TDemoSignIn[] = [];
  const asUser = async (actorFor: () => Promise<TActor | null>): Promise<ServiceContext> => {
    const actor = await actorFor();
    if (!actor) throw new Error('seed: account not usable');
    return withActor(base, actor);
  };
  const password = async (email: string, role: string) => {
    const user = (await base.db.select().from(users).where(eq(users.email, email)))[0]!;
    await setUserPassword(base, user.id, DEMO_PASSWORD);
    signIns.push({ email, role });
    return user;
  };

  const admin = await createStaffMember(sys, provider.id, { name: 'Alex Admin', email: 'admin@demo-msp.test', role: 'admin' });
  const adminUser = await password('admin@demo-msp.test', 'Staff admin');
  const tech = await createStaffMember(sys, provider.id, { name: 'Taylor Tech', email: 'tech@demo-msp.test', role: 'technician' });
  const techUser = await password('tech@demo-msp.test', 'Staff technician');
  const asAdmin = await asUser(async () => await actorForAccount(base.db, adminUser, { kind: 'staff', id: admin.id }));
  const asTech = await asUser(async () => await actorForAccount(base.db, techUser, { kind: 'staff', id: tech.id }));

  const companies = [
    { name: 'Acme Dental', domain: 'acme-dental.test' },
    { name: 'Northwind Logistics', domain: 'northwind.test' },
  ];
  const people: [string, TContactType[]][] = [
    ['Sam Standard', ['standard']],
    ['Bailey Billing', ['standard', 'billing']],
    ['Terry Technical', ['standard', 'technical']],
    ['Pat Primary', ['standard', 'primary']],
  ];
  const subjects: [string, string, 'low' | 'medium' | 'high', string][] = [
    ['Printer on 2nd floor is offline', 'The HP printer near reception shows "offline" on every PC since this morning.', 'medium', 'Hardware'],
    ['Cannot access shared drive', 'Mapped drive S: asks for credentials and then fails. Started after the password change.', 'high', 'Network'],
    ['New starter next Monday', 'Please set up a laptop and email account for our new receptionist.', 'low', 'Accounts and access'],
  ];

  for (const [n, c] of companies.entries()) {
    const company = await createCompany(asAdmin, { name: c.name, emailDomains: [c.domain] });
    const contactCtx: ServiceContext[] = [];
    const contactIds: number[] = [];
    for (const [name, types] of people) {
      const local = name.split(' ')[1]!.toLowerCase();
      const email = `${local}@${c.domain}`;
      const contact = await createContact(asAdmin, { companyId: company.id, name, email, types });
      const user = await password(email, `${c.name}: ${types.filter((t) => t !== 'standard').join(', ') || 'standard'} contact`);
      contactCtx.push(await asUser(async () => await actorForAccount(base.db, user, { kind: 'contact', id: contact.id })));
      contactIds.push(contact.id);
    }
    for (const [i, [subject, description, priority, category]] of subjects.entries()) {
      const requester = contactCtx[i % contactCtx.length]!;
      const ticket = await createTicket(requester, { subject, description, priority, category });
      await addReply(asTech, { ticketId: ticket.id, body: 'Thanks, I am looking into this now.' });
      if (i === 0) {
        await addReply(requester, { ticketId: ticket.id, body: 'Thank you! It is the one with the asset tag PR-204.' });
        await addReply(asTech, { ticketId: ticket.id, body: 'Driver was stale on the print server; restarting the spooler.', internal: true });
        // The Billing contact follows the Standard contact's ticket.
        await addWatcher(asTech, { ticketId: ticket.id, contactId: contactIds[1]! });
        await logTime(asTech, { ticketId: ticket.id, minutes: 25, note: 'Print server driver and spooler' });
        await updateTicket(asTech, { ticketId: ticket.id, status: 'in_progress', assigneeStaffId: tech.id });
      }
      if (i === 1) await updateTicket(asAdmin, { ticketId: ticket.id, assigneeStaffId: n === 0 ? admin.id : tech.id, status: 'waiting_on_client' });
    }
    if (n === 0) {
      // One closed ticket, rated by its requester (the Primary contact).
      const primary = contactCtx[3]!;
      const done = await createTicket(primary, {
        subject: 'Guest Wi-Fi password',
        description: 'Please change the guest Wi-Fi password; it was printed in the newsletter.',
        priority: 'low',
        category: 'Network',
      });
      await addReply(asTech, { ticketId: done.id, body: 'Changed. The new password is on the card at reception.' });
      await logTime(asTech, { ticketId: done.id, minutes: 10 });
      await closeTicket(primary, { ticketId: done.id });
      await rateTicket(primary, { ticketId: done.id, rating: 'good', comment: 'Quick, thank you!' });
    }
  }
  return signIns;
}
