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

let base: ServiceContext;
let cleanup: () => void;
beforeAll(async () => {
  const f = freshContext();
  base = f.ctx;
  cleanup = f.cleanup;
  await seedDemo(base);
});
afterAll(() => cleanup());

const asContact = (email: string) => {
  const user = base.db.select().from(users).where(eq(users.email, email)).get()!;
  const c = base.db.select().from(contacts).where(eq(contacts.userId, user.id)).get()!;
  return withActor(base, actorForAccount(base.db, user, { kind: 'contact', id: c.id })!);
};
const asStaff = (email: string) => {
  const user = base.db.select().from(users).where(eq(users.email, email)).get()!;
  const s = base.db.select().from(staffMembers).where(eq(staffMembers.userId, user.id)).get()!;
  return withActor(base, actorForAccount(base.db, user, { kind: 'staff', id: s.id })!);
};

describe('tenancy', () => {
  it('never shows a contact another company\'s tickets', () => {
    for (const type of ['standard', 'billing', 'technical', 'primary']) {
      const ctx = asContact(`${type}@acme-dental.test`);
      const actor = ctx.actor as { companyId: number };
      for (const scope of ['mine', 'company'] as const) {
        const items = listTickets(ctx, { scope, status: 'all' }).items;
        expect(items.every((t) => t.companyId === actor.companyId)).toBe(true);
      }
      const foreign = base.db.select().from(tickets).all().filter((t) => t.companyId !== actor.companyId);
      expect(foreign.length).toBeGreaterThan(0);
      for (const t of foreign) {
        expect(() => getTicket(ctx, { ticketId: t.id })).toThrow(AppError);
      }
    }
  });

  it('shows Standard contacts only their own tickets, Technical and Primary all of the company', () => {
    const std = asContact('standard@acme-dental.test');
    const mine = listTickets(std, { scope: 'company', status: 'all' }).items;
    const own = (std.actor as { contactId: number }).contactId;
    const all = listTickets(asContact('technical@acme-dental.test'), { scope: 'company', status: 'all' }).items;
    expect(mine.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(mine.length);
    for (const t of mine) expect(base.db.select().from(tickets).where(eq(tickets.id, t.id)).get()!.requesterContactId).toBe(own);
  });

  it('hides internal notes from contacts and shows them to staff', () => {
    const primary = asContact('primary@acme-dental.test');
    const withNote = base.db.$client.prepare('select ticket_id as id from ticket_comments where internal = 1 limit 1').get() as { id: number };
    const contactView = getTicket(primary, { ticketId: withNote.id }).comments;
    const staffView = getTicket(asStaff('tech@demo-msp.test'), { ticketId: withNote.id }).comments;
    expect(contactView.some((c) => c.internal)).toBe(false);
    expect(staffView.some((c) => c.internal)).toBe(true);
    expect(staffView.length).toBe(contactView.length + 1);
  });
});
