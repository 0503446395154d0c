import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../db/schema/people';
import { tickets } from '../../db/schema/tickets';
import { addReply } from '../../server/tickets/add-reply';
import { createTicket } from '../../server/tickets/create-ticket';
import { asDemoUser } from '../helpers/demo-actors';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * The ticket pages live: a contact and a technician on one ticket, the staff Ticket feed
 * while a contact raises a ticket, resuming after a dropped connection, SLA countdowns.
 */

let fx: TPortalFixture;
const staffSessions = new Map<string, BrowserContext>();

beforeAll(async () => {
  fx = await startPortalFixture();
});
afterAll(async () => {
  for (const c of staffSessions.values()) await c.close().catch(() => undefined);
  await fx?.stop();
});

/** One signed-in context per staff member: a TOTP code may be used only once. */
async function staffPage(email: string): Promise<Page> {
  let context = staffSessions.get(email);
  if (!context) {
    context = await fx.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const key = await enrollTotp(fx.portico, email);
    await signInWithTotp(await context.newPage(), fx.origin, email, key);
    staffSessions.set(email, context);
  }
  return context.newPage();
}

async function contactPage(email: string, width = 1280): Promise<Page> {
  const context = await fx.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signIn(page, fx.origin, email);
  return page;
}

const liveState = (page: Page) => page.getByRole('status').getAttribute('data-state');
const listeners = (topic: string) => fx.portico.base.bus.listenerCount(topic);

async function ticketOf(email: string) {
  const db = fx.portico.base.db;
  const contact = (await db.select().from(contacts).where(eq(contacts.email, email)))[0]!;
  return (await db.select().from(tickets).where(eq(tickets.requesterContactId, contact.id)))[0]!;
}

async function openTicket(page: Page, ticket: { id: number; number: number }) {
  await page.goto(`${fx.origin}/tickets/${ticket.id}`);
  await page.getByRole('heading', { name: new RegExp(`#${ticket.number}\\b`) }).waitFor();
  await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('live');
}

describe('ticket page, live on both sides', () => {
  it('shows each side the other’s replies without reload, and never shows the client an internal note', { timeout: 120_000 }, async () => {
    const ticket = await ticketOf('standard@acme-dental.test');
    const client = await contactPage('standard@acme-dental.test');
    const tech = await staffPage('tech@demo-msp.test');
    const before = listeners(`ticket:${ticket.id}`);
    await openTicket(client, ticket);
    await openTicket(tech, ticket);
    await expect.poll(() => listeners(`ticket:${ticket.id}`), { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 2);

    await client.getByLabel('Your reply').fill('The printer shows error 49 now');
    await client.getByRole('button', { name: 'Reply', exact: true }).click();
    await tech.getByText('The printer shows error 49 now').waitFor({ timeout: 10_000 });

    await tech.getByLabel('Reply to the client').fill('Please power-cycle it; I am on my way');
    await tech.getByRole('button', { name: 'Reply', exact: true }).click();
    await client.getByText('Please power-cycle it; I am on my way').waitFor({ timeout: 10_000 });
    // The other side's reply arrives highlighted.
    await expect.poll(() => client.locator('.message.fresh', { hasText: 'power-cycle' }).count()).toBe(1);

    await tech.getByLabel('Internal note', { exact: true }).check();
    await tech.getByLabel('Internal note — not visible to the client').fill('Formatter board is failing, order a spare');
    await tech.getByRole('button', { name: 'Add internal note' }).click();
    const note = tech.locator('.message.internal', { hasText: 'Formatter board is failing' });
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toContain('Internal note — not visible to the client');

    // A status change reaches the client live too; the last public reply shows it was delivered after the note.
    await tech.getByLabel('Status').selectOption('waiting_on_client');
    await client.locator('.ticket-facts').getByText('Waiting on Client').waitFor({ timeout: 10_000 });
    expect(await client.getByText('Formatter board is failing').count()).toBe(0);
    await client.reload();
    await client.getByText('Please power-cycle it; I am on my way').waitFor();
    expect(await client.getByText('Formatter board is failing').count()).toBe(0);
    // Contacts get none of the staff tools.
    expect(await client.getByRole('complementary', { name: 'Staff tools' }).count()).toBe(0);
    expect(await client.getByLabel('Internal note', { exact: true }).count()).toBe(0);
    await client.context().close();
    await tech.close();
  });

  it('shows which other staff are viewing and typing', { timeout: 120_000 }, async () => {
    const ticket = await ticketOf('technical@acme-dental.test');
    const tech = await staffPage('tech@demo-msp.test');
    const admin = await staffPage('admin@demo-msp.test');
    await openTicket(tech, ticket);
    await openTicket(admin, ticket);
    await tech.getByText('Alex Admin is viewing').waitFor({ timeout: 15_000 });
    await admin.getByText('Taylor Tech is viewing').waitFor({ timeout: 15_000 });
    await admin.getByLabel('Reply to the client').pressSequentially('On it');
    await tech.getByText('Alex Admin is typing…').waitFor({ timeout: 10_000 });
    // Typing lapses 3 s after the last key.
    await tech.getByText('Alex Admin is viewing').waitFor({ timeout: 10_000 });
    await admin.close();
    await expect.poll(() => tech.getByText(/Alex Admin is/).count(), { timeout: 10_000 }).toBe(0);
    await tech.close();
  });
});

describe('staff Ticket feed', () => {
  it('shows a ticket the moment a contact raises it, with its attachment downloadable', { timeout: 120_000 }, async () => {
    const feed = await staffPage('admin@demo-msp.test');
    await feed.goto(`${fx.origin}/staff/tickets`);
    await feed.getByRole('heading', { name: 'Ticket feed' }).waitFor();
    await feed.getByRole('link', { name: 'Cannot access shared drive' }).first().waitFor();
    await expect.poll(() => liveState(feed), { timeout: 15_000 }).toBe('live');
    await expect.poll(() => listeners('staff-feed:1'), { timeout: 15_000 }).toBeGreaterThan(0);
    await feed.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const client = await contactPage('primary@acme-dental.test');
    await client.getByRole('link', { name: 'New Ticket' }).click();
    await client.getByLabel('Subject').fill('Scanner emails never arrive');
    await client.getByLabel('Priority').selectOption('high');
    await client.getByText('Business stopped, security risk, multiple users affected.').waitFor();
    await client.getByLabel('Category (optional)').selectOption('Network');
    await client.getByLabel('Description').fill('Scan-to-email on the copier stopped delivering since Friday.');
    await client.getByLabel('Attachments', { exact: true }).setInputFiles({ name: 'scanner-log.txt', mimeType: 'text/plain', buffer: Buffer.from('SMTP 535 authentication failed\n') });
    await client.getByText('1 file attached').waitFor({ timeout: 15_000 });
    await client.getByRole('button', { name: 'Raise Ticket' }).click();
    await client.waitForURL(/\/tickets\/\d+$/);

    const row = feed.locator('tr', { hasText: 'Scanner emails never arrive' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('Acme Dental');
    expect(await row.textContent()).toContain('High');
    expect(await row.textContent()).toMatch(/Response due in \d+ min/);
    expect(await feed.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // Newest update first.
    expect(await feed.locator('tbody tr').first().textContent()).toContain('Scanner emails never arrive');

    await client.getByRole('heading', { name: /Scanner emails never arrive/ }).waitFor();
    const link = client.getByRole('link', { name: 'scanner-log.txt' });
    const href = await link.getAttribute('href');
    const body = await client.evaluate((url) => fetch(url!).then(async (r) => ({ status: r.status, text: await r.text() })), href);
    expect(body).toEqual({ status: 200, text: 'SMTP 535 authentication failed\n' });

    // "Unassigned" keeps it while nobody owns it.
    await feed.getByRole('button', { name: 'Unassigned' }).click();
    await row.waitFor();
    await client.context().close();
    await feed.close();
  });

  it('marks a missed response target in red words on the feed', { timeout: 120_000 }, async () => {
    const asClient = await asDemoUser(fx.portico.base, 'standard@northwind.test');
    const t = await createTicket(asClient, { subject: 'VPN drops every hour', description: 'Since the update.', priority: 'high' });
    (await fx.portico.base.db
      .update(tickets)
      .set({ firstResponseDueAt: new Date(Date.now() - 2 * 3600_000 - 60_000) })
      .where(eq(tickets.id, t.id)));
    const feed = await staffPage('admin@demo-msp.test');
    await feed.goto(`${fx.origin}/staff/tickets`);
    const sla = feed.locator('tr', { hasText: 'VPN drops every hour' }).locator('.sla-line').first();
    await sla.waitFor({ timeout: 10_000 });
    expect(await sla.textContent()).toBe('Response overdue by 2 h');
    expect(await sla.getAttribute('class')).toContain('sla-overdue');
    expect(await sla.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(185, 28, 28)');
    // A technician's first reply clears the response countdown live.
    await addReply(await asDemoUser(fx.portico.base, 'tech@demo-msp.test'), { ticketId: t.id, body: 'Looking now.' });
    await expect.poll(() => feed.locator('tr', { hasText: 'VPN drops every hour' }).textContent(), { timeout: 10_000 }).toMatch(/Resolution due in/);
    expect(await feed.locator('tr', { hasText: 'VPN drops every hour' }).textContent()).not.toContain('Response overdue');
    await feed.close();
  });
});

describe('resuming after a dropped connection', () => {
  it('shows replies posted while offline exactly once, with and without an event seen before', { timeout: 120_000 }, async () => {
    const ticket = await ticketOf('billing@northwind.test');
    const page = await contactPage('billing@northwind.test');
    await openTicket(page, ticket);
    await expect.poll(() => listeners(`ticket:${ticket.id}`), { timeout: 15_000 }).toBeGreaterThan(0);
    const tech = await asDemoUser(fx.portico.base, 'tech@demo-msp.test');
    const comments = page.locator('[data-comment-id]');
    const start = await comments.count();

    const dropWhile = async (post: () => Promise<void>) => {
      for (const ws of fx.portico.web.wss.clients) ws.terminate();
      await post(); // committed while the browser has no socket
      await expect.poll(() => liveState(page), { timeout: 10_000 }).not.toBe('live');
      await expect.poll(() => liveState(page), { timeout: 20_000 }).toBe('live');
    };

    // No event seen yet: nothing to resume from, so the page re-reads the ticket.
    await dropWhile(async () => {
      await addReply(tech, { ticketId: ticket.id, body: 'Offline reply one' });
      await addReply(tech, { ticketId: ticket.id, body: 'Offline reply two' });
    });
    await expect.poll(() => page.getByText('Offline reply two').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByText('Offline reply one').count()).toBe(1);

    // With an event seen, the stream resumes after its id.
    await addReply(tech, { ticketId: ticket.id, body: 'Online reply three' });
    await page.getByText('Online reply three').waitFor({ timeout: 10_000 });
    await dropWhile(async () => {
      await addReply(tech, { ticketId: ticket.id, body: 'Offline reply four' });
      await addReply(tech, { ticketId: ticket.id, body: 'Offline reply five' });
    });
    await expect.poll(() => page.getByText('Offline reply five').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByText('Offline reply four').count()).toBe(1);
    expect(await comments.count()).toBe(start + 5);
    const ids = await comments.evaluateAll((els) => els.map((e) => e.getAttribute('data-comment-id')));
    expect(new Set(ids).size).toBe(ids.length);
    await page.context().close();
  });
});
