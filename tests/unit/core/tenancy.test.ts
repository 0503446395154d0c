import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { contacts, staffMembers, users } from '../../../db/schema/people';
import { tickets } from '../../../db/schema/tickets';
import { actorForAccount } from '../../../server/auth/accounts';
import { AppError } from '../../../server/core/app-error';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { getTicket } from '../../../server/tickets/get-ticket';
import { listTickets } from '../../../server/tickets/list-tickets';
import { freshContext } from '../../helpers/fresh-context';
import { ticketComments } from '../../../db/schema/tickets';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  const f = await freshContext();
  base = f.ctx;
  cleanup = f.cleanup;
  await seedDemo(base);
});
afterAll(() => cleanup());

const asContact = async (email: string) => {
  const user = (await base.db.select().from(users).where(eq(users.email, email)))[0]!;
  const c = (await base.db.select().from(contacts).where(eq(contacts.userId, user.id)))[0]!;
  return withActor(base, (await actorForAccount(base.db, user, { kind: 'contact', id: c.id }))!);
};
const asStaff = async (email: string) => {
  const user = (await base.db.select().from(users).where(eq(users.email, email)))[0]!;
  const s = (await base.db.select().from(staffMembers).where(eq(staffMembers.userId, user.id)))[0]!;
  return withActor(base, (await actorForAccount(base.db, user, { kind: 'staff', id: s.id }))!);
};

describe('tenancy', () => {
  it('never shows a contact another company\'s tickets', async () => {
    for (const type of ['standard', 'billing', 'technical', 'primary']) {
      const ctx = await asContact(`${type}@acme-dental.test`);
      const actor = ctx.actor as { companyId: number };
      for (const scope of ['mine', 'company'] as const) {
        const items = (await listTickets(ctx, { scope, status: 'all' })).items;
        expect(items.every((t) => t.companyId === actor.companyId)).toBe(true);
      }
      const foreign = (await base.db.select().from(tickets)).filter((t) => t.companyId !== actor.companyId);
      expect(foreign.length).toBeGreaterThan(0);
      for (const t of foreign) {
        await expect(getTicket(ctx, { ticketId: t.id })).rejects.toThrow(AppError);
      }
    }
  });

  it('shows Standard contacts only their own tickets, Technical and Primary all of the company', async () => {
    const std = await asContact('standard@acme-dental.test');
    const mine = (await listTickets(std, { scope: 'company', status: 'all' })).items;
    const own = (std.actor as { contactId: number }).contactId;
    const all = (await listTickets(await asContact('technical@acme-dental.test'), { scope: 'company', status: 'all' })).items;
    expect(mine.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(mine.length);
    for (const t of mine) expect((await base.db.select().from(tickets).where(eq(tickets.id, t.id)))[0]!.requesterContactId).toBe(own);
  });

  it('hides internal notes from contacts and shows them to staff', async () => {
    const primary = await asContact('primary@acme-dental.test');
    const withNote = (await base.db.select({ id: ticketComments.ticketId }).from(ticketComments).where(eq(ticketComments.internal, true)).limit(1))[0]!;
    const contactView = (await getTicket(primary, { ticketId: withNote.id })).comments;
    const staffView = (await getTicket(await asStaff('tech@demo-msp.test'), { ticketId: withNote.id })).comments;
    expect(contactView.some((c) => c.internal)).toBe(false);
    expect(staffView.some((c) => c.internal)).toBe(true);
    expect(staffView.length).toBe(contactView.length + 1);
  });
});
