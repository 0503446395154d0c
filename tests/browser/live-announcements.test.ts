import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../db/schema/people';
import { tickets } from '../../db/schema/tickets';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { addReply } from '../../server/tickets/add-reply';
import { createTicket } from '../../server/tickets/create-ticket';
import { asDemoUser } from '../helpers/demo-actors';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * What changes live reaches screen readers through the shared live regions (ui/announcer.tsx):
 * a reply from someone else in an open thread, a feed row, and the "Too many active sessions"
 * prompt, which also takes the focus.
 */

let fx: TPortalFixture;

beforeAll(async () => {
  fx = await startPortalFixture();
});
afterAll(() => fx?.stop());

const region = (page: Page, politeness: 'polite' | 'assertive') => page.locator(`[data-announcer="${politeness}"]`);
const liveState = (page: Page) => page.getByRole('status').getAttribute('data-state');

describe('live regions', () => {
  it('announces a reply posted by another person in the open thread, politely, and not one’s own', { timeout: 90_000 }, async () => {
    const db = fx.portico.base.db;
    const contact = (await db.select().from(contacts).where(eq(contacts.email, 'standard@acme-dental.test')))[0]!;
    const ticket = (await db.select().from(tickets).where(eq(tickets.requesterContactId, contact.id)))[0]!;
    const page = await fx.browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, fx.origin, 'standard@acme-dental.test');
    await page.goto(`${fx.origin}/tickets/${ticket.id}`);
    await page.getByRole('heading', { name: new RegExp(`#${ticket.number}\\b`) }).waitFor();
    await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('live');
    expect(await region(page, 'polite').getAttribute('aria-live')).toBe('polite');

    await page.getByLabel('Your reply').fill('Still broken after the restart');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.message', { hasText: 'Still broken after the restart' }).waitFor();
    expect(await region(page, 'polite').textContent()).toBe('');

    await addReply(await asDemoUser(fx.portico.base, 'tech@demo-msp.test'), { ticketId: ticket.id, body: 'Replacing the toner now' });
    await expect.poll(() => region(page, 'polite').textContent(), { timeout: 10_000 }).toBe('New reply from Taylor Tech');
    await page.context().close();
  });

  it('announces a ticket feed row that arrives or changes', { timeout: 90_000 }, async () => {
    const context = await fx.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const feed = await context.newPage();
    await signInWithTotp(feed, fx.origin, 'admin@demo-msp.test', await enrollTotp(fx.portico, 'admin@demo-msp.test'));
    await feed.goto(`${fx.origin}/staff/tickets`);
    await feed.getByRole('heading', { name: 'Ticket feed' }).waitFor();
    await expect.poll(() => liveState(feed), { timeout: 15_000 }).toBe('live');
    await expect.poll(() => fx.portico.base.bus.listenerCount('staff-feed:1'), { timeout: 15_000 }).toBeGreaterThan(0);

    const t = await createTicket(await asDemoUser(fx.portico.base, 'billing@northwind.test'), { subject: 'Invoice portal rejects my card', description: 'It says declined.', priority: 'medium' });
    await expect.poll(() => region(feed, 'polite').textContent(), { timeout: 10_000 }).toBe(`New ticket: #${t.number} Invoice portal rejects my card, Open`);
    await addReply(await asDemoUser(fx.portico.base, 'tech@demo-msp.test'), { ticketId: t.id, body: 'Checking with the bank.' });
    await expect.poll(() => region(feed, 'polite').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^Ticket updated: #${t.number} Invoice portal rejects my card, `));
    await context.close();
  });

  it('moves focus to "Too many active sessions" and says it assertively', { timeout: 90_000 }, async () => {
    const phone = 'Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/156.0 Mobile Safari/537.36';
    const first = await fx.browser.newContext({ userAgent: phone, viewport: { width: 390, height: 844 } });
    await signIn(await first.newPage(), fx.origin, 'technical@acme-dental.test');
    const second = await fx.browser.newContext({ userAgent: phone, viewport: { width: 390, height: 844 } });
    const page = await second.newPage();
    await page.goto(`${fx.origin}/sign-in`);
    await page.getByLabel('Email address').fill('technical@acme-dental.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Too many active sessions' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Too many active sessions');
    await expect
      .poll(() => region(page, 'assertive').textContent(), { timeout: 5_000 })
      .toBe('Too many active sessions. You are signed in on too many devices. End one of these sessions to continue, or cancel.');
    await first.close();
    await second.close();
  });
});
