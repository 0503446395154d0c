import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { seedDemo } from '../../../server/seed/demo-people';
import { tickets } from '../../../db/schema/tickets';
import { anonymous } from '../../../server/core/actor';
import { AppError } from '../../../server/core/app-error';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { addReply } from '../../../server/tickets/add-reply';
import { addCategory, listCategories, renameCategory, setCategoryActive } from '../../../server/tickets/categories';
import { closeTicket, rateTicket, requestReopen } from '../../../server/tickets/contact-actions';
import { createTicket } from '../../../server/tickets/create-ticket';
import { getTicket } from '../../../server/tickets/get-ticket';
import { listTickets } from '../../../server/tickets/list-tickets';
import { logTime } from '../../../server/tickets/log-time';
import { setPresence } from '../../../server/tickets/presence';
import { updateSlaPolicy } from '../../../server/tickets/sla-policies';
import { ticketFeed } from '../../../server/tickets/ticket-feed';
import { updateTicket } from '../../../server/tickets/update-ticket';
import { addWatcher, removeWatcher, watcherCandidates } from '../../../server/tickets/watchers';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let ticketId: number;
beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
  ticketId = (await base.db.select().from(tickets))[0]!.id;
});
afterAll(() => cleanup());

/** The refusal a caller sees: an AppError or the first zod issue, never a crash. */
async function refusal(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (e) {
    if (e instanceof AppError) return e.message;
    if (e instanceof ZodError) return e.issues[0]!.message;
    throw e;
  }
  throw new Error('accepted');
}

type TService = (ctx: ServiceContext, input: never) => unknown;
const cases: [string, TService, string, unknown, RegExp][] = [
  ['createTicket', createTicket, 'primary', { subject: ' ', description: 'x' }, /Enter a subject/],
  ['createTicket', createTicket, 'primary', { subject: 'x', description: '' }, /Describe the problem/],
  ['createTicket', createTicket, 'primary', { subject: 'x', description: 'y', priority: 'urgent' }, /Choose Low, Medium or High/],
  ['createTicket', createTicket, 'primary', { subject: 'x', description: 'y', attachmentIds: Array(11).fill(1) }, /at most 10 files/],
  ['createTicket', createTicket, 'primary', { subject: 'x', description: 'y', attachmentIds: [-1] }, /Choose an uploaded file/],
  ['createTicket', createTicket, 'primary', 'nonsense', /expected object/],
  ['addReply', addReply, 'primary', { ticketId: 0, body: 'x' }, /Choose a ticket/],
  ['addReply', addReply, 'primary', { ticketId: 1, body: '   ' }, /Write a reply/],
  ['addReply', addReply, 'primary', { ticketId: 999_999, body: 'x' }, /Ticket not found/],
  ['getTicket', getTicket, 'primary', { ticketId: 'one' }, /Choose a ticket/],
  ['listTickets', listTickets, 'primary', { status: 'pending' }, /valid status filter/],
  ['listTickets', listTickets, 'primary', { limit: 0 }, /at least 1/],
  ['listTickets', listTickets, 'primary', { limit: 1000 }, /at most 100/],
  ['listTickets', listTickets, 'primary', { search: 'x'.repeat(201) }, /under 200 characters/],
  ['listTickets', listTickets, 'primary', { cursor: 'abc' }, /page link is not valid/],
  ['ticketFeed', ticketFeed, 'tech', { assignee: 'someone' }, /any, mine or unassigned/],
  ['ticketFeed', ticketFeed, 'tech', { companyId: -2 }, /Choose a company/],
  ['updateTicket', updateTicket, 'tech', { ticketId: 1 }, /Choose something to change/],
  ['updateTicket', updateTicket, 'tech', { ticketId: 1, status: 'done' }, /valid status/],
  ['updateTicket', updateTicket, 'tech', { ticketId: 1, category: 'Plumbing' }, /Choose a category from the list/],
  ['closeTicket', closeTicket, 'primary', {}, /Choose a ticket/],
  ['requestReopen', requestReopen, 'primary', { ticketId: 1, reason: 'x'.repeat(2001) }, /under 2,000/],
  ['rateTicket', rateTicket, 'primary', { ticketId: 1, rating: 'meh' }, /good or bad/],
  ['addWatcher', addWatcher, 'tech', { ticketId: 1 }, /Choose a contact/],
  ['removeWatcher', removeWatcher, 'tech', { ticketId: 1, contactId: 'x' }, /Choose a contact/],
  ['watcherCandidates', watcherCandidates, 'tech', {}, /Choose a ticket/],
  ['logTime', logTime, 'tech', { ticketId: 1, minutes: 0 }, /at least 1 minute/],
  ['logTime', logTime, 'tech', { ticketId: 1, minutes: 1441 }, /at most 1440 minutes/],
  ['logTime', logTime, 'tech', { ticketId: 1, minutes: 1.5 }, /whole minutes/],
  ['logTime', logTime, 'tech', { ticketId: 1, minutes: 5, note: 'x'.repeat(501) }, /under 500/],
  ['setPresence', setPresence, 'tech', { ticketId: 1, state: 'away' }, /viewing, typing or left/],
  ['listCategories', listCategories, 'admin', { includeInactive: 'yes' }, /true or false/],
  ['addCategory', addCategory, 'admin', { name: '' }, /Enter a category name/],
  ['renameCategory', renameCategory, 'admin', { categoryId: 999_999, name: 'X' }, /Category not found/],
  ['setCategoryActive', setCategoryActive, 'admin', { categoryId: 1 }, /true or false/],
  ['updateSlaPolicy', updateSlaPolicy, 'admin', { priority: 'high', firstResponseMinutes: 0, resolutionMinutes: 10 }, /at least 1 minute/],
  ['updateSlaPolicy', updateSlaPolicy, 'admin', { priority: 'critical', firstResponseMinutes: 1, resolutionMinutes: 10 }, /Low, Medium or High/],
];
const actors: Record<string, string> = { primary: 'primary@acme-dental.test', tech: 'tech@demo-msp.test', admin: 'admin@demo-msp.test' };

describe('bad input on every ticket service', () => {
  it.each(cases)('%s refuses %#', async (_name, fn, who, input, message) => {
    const ctx = await asDemoUser(base, actors[who]!);
    const fix = (i: unknown) => (i && typeof i === 'object' && 'ticketId' in i && i.ticketId === 1 ? { ...i, ticketId } : i);
    expect(await refusal(() => fn(ctx, fix(input) as never))).toMatch(message);
  });

  it('every service refuses a signed-out caller', async () => {
    const anon = withActor(base, anonymous);
    for (const fn of [createTicket, addReply, getTicket, listTickets, ticketFeed, updateTicket, closeTicket, requestReopen, rateTicket, logTime, addWatcher, setPresence] as TService[]) {
      expect(await refusal(() => fn(anon, { ticketId, body: 'x', subject: 'x', description: 'y', minutes: 5, contactId: 1, state: 'viewing', rating: 'good', status: 'open' } as never))).toMatch(
        /Please sign in/,
      );
    }
  });
});
