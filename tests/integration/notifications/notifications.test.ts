import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { outbox, type TOutboxRow } from '../../../db/schema/outbox';
import { users } from '../../../db/schema/people';
import { resolveReplyToken, replyTokenFromAddress } from '../../../server/notifications/reply-tokens';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { startTestServer } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv?.stop());

const CONTACT = 'standard@acme-dental.test';

/** The outbox as the running server filled it; the notifier works in the background. */
async function waitForMail(match: (rows: TOutboxRow[]) => boolean): Promise<TOutboxRow[]> {
  const read = async () => (await srv.portico.base.db.select().from(outbox).orderBy(asc(outbox.id)));
  const deadline = Date.now() + 5000;
  while (!match(await read()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return await read();
}

describe('ticket email notifications through the real API', () => {
  it('a contact raises a ticket, staff reply: staff and client are mailed with working reply addresses', async () => {
    const contact = createTestClient(srv.origin);
    await contact.client.auth.signInWithPassword.mutate({ email: CONTACT, password: DEMO_PASSWORD });
    const ticket = await contact.client.tickets.create.mutate({ subject: 'VPN drops every hour', description: 'Since Monday.' });

    const key = await enrollTotp(srv.portico, 'tech@demo-msp.test');
    const tech = createTestClient(srv.origin);
    const first = await tech.client.auth.signInWithPassword.mutate({ email: 'tech@demo-msp.test', password: DEMO_PASSWORD });
    if (first.kind !== 'two-factor') throw new Error(`expected two-factor, got ${first.kind}`);
    await tech.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) });
    await tech.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'Please update the VPN client to 5.2.' });

    const tag = `[#${ticket.number}] VPN drops every hour`;
    const rows = await waitForMail((r) => r.some((m) => m.toAddress === CONTACT && m.subject === `Re: ${tag}`));
    const staffMail = rows.find((m) => m.toAddress === 'tech@demo-msp.test' && m.subject === `New ticket ${tag}`);
    const clientMail = rows.find((m) => m.toAddress === CONTACT && m.subject === `Re: ${tag}`);
    expect(staffMail, 'staff notification of the new ticket').toBeDefined();
    expect(clientMail, 'client notification of the reply').toBeDefined();
    expect(rows.some((m) => m.toAddress === CONTACT && m.subject === `We received your ticket ${tag}`)).toBe(true);
    // Nobody is told about their own action.
    expect(rows.some((m) => m.toAddress === 'tech@demo-msp.test' && m.subject === `Re: ${tag}`)).toBe(false);
    expect(clientMail!.textBody).toContain('Please update the VPN client to 5.2.');
    expect(clientMail!.textBody).toContain(`${srv.origin}/tickets/${ticket.id}`);

    const domain = srv.portico.base.settings.MAIL_DOMAIN;
    const token = replyTokenFromAddress(clientMail!.headers['Reply-To']!, domain);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const contactUser = (await srv.portico.base.db.select().from(users).where(eq(users.email, CONTACT)))[0]!;
    expect(await resolveReplyToken(srv.portico.base, token!)).toEqual({ ticketId: ticket.id, userId: contactUser.id, email: CONTACT });
    const staffToken = replyTokenFromAddress(staffMail!.headers['Reply-To']!, domain);
    expect(await resolveReplyToken(srv.portico.base, staffToken!)).toMatchObject({ ticketId: ticket.id, email: 'tech@demo-msp.test' });

    await contact.close();
    await tech.close();
  });

  it('a contact turns a notification off on the Account page API, and bad input is refused clearly', async () => {
    const contact = createTestClient(srv.origin);
    await contact.client.auth.signInWithPassword.mutate({ email: CONTACT, password: DEMO_PASSWORD });
    const list = await contact.client.notifications.settings.query();
    expect(list.map((s) => s.label)).toEqual(['A technician replies to my ticket', "My ticket's status changes", 'My ticket is closed']);
    const after = await contact.client.notifications.setSetting.mutate({ kind: 'ticket_closed', enabled: false });
    expect(after.find((s) => s.kind === 'ticket_closed')?.enabled).toBe(false);
    await expect(contact.client.notifications.setSetting.mutate({ kind: 'bogus' as never, enabled: true })).rejects.toThrow(
      'Choose which email notification to change.',
    );
    await expect(contact.client.notifications.setSetting.mutate({ kind: 'client_reply', enabled: false })).rejects.toThrow(
      'That email notification is not available for your account.',
    );
  });
});
