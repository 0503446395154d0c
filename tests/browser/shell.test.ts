import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { contacts, staffMembers, users } from '../../db/schema/people';
import { tickets } from '../../db/schema/tickets';
import type { TPortico } from '../../server/app';
import { actorForAccount } from '../../server/auth/accounts';
import { withActor } from '../../server/core/context';
import { addReply } from '../../server/tickets/add-reply';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let portico: TPortico;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ portico, browser, origin } = fx);
});
afterAll(() => fx?.stop());

describe('client shell', () => {
  it('signs a contact in, shows the seeds navigation and a green live indicator', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const csp: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await page.goto(`${origin}/`);
    await page.waitForURL(/\/sign-in$/);
    await signIn(page, origin, 'primary@acme-dental.test');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Home', 'Tickets', 'Finance', 'Technical']) await nav.getByRole('link', { name, exact: true }).waitFor();
    const live = page.getByRole('status');
    await expect.poll(() => live.getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => live.evaluate((el) => getComputedStyle(el.querySelector('.live-dot')!).backgroundColor)).toBe('rgb(21, 128, 61)');
    await page.getByRole('button', { name: 'Pat Primary' }).click();
    await page.getByRole('menuitem', { name: 'Account' }).waitFor();
    await page.getByRole('menuitem', { name: 'Sign Out' }).waitFor();
    expect(csp).toEqual([]);
    await page.close();
  });

  it('hides Finance and Technical from a Standard contact and fits 390 px', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, origin, 'standard@acme-dental.test');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Tickets' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Finance' }).count()).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('shows a staff reply in the open ticket without reloading', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'standard@acme-dental.test');
    const db = portico.base.db;
    const contact = (await db.select().from(contacts).where(eq(contacts.email, 'standard@acme-dental.test')))[0]!;
    const ticket = (await db.select().from(tickets).where(eq(tickets.requesterContactId, contact.id)))[0]!;
    await page.goto(`${origin}/tickets/${ticket.id}`);
    await page.getByRole('heading', { name: new RegExp(`#${ticket.number}`) }).waitFor();
    await expect.poll(() => page.getByRole('status').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    // Give the thread subscription a moment to be registered on the server.
    await expect.poll(() => portico.base.bus.listenerCount(`ticket:${ticket.id}`), { timeout: 10_000 }).toBeGreaterThan(0);

    const techUser = (await db.select().from(users).where(eq(users.email, 'tech@demo-msp.test')))[0]!;
    const tech = (await db.select().from(staffMembers).where(eq(staffMembers.userId, techUser.id)))[0]!;
    const staffCtx = withActor(portico.base, (await actorForAccount(db, techUser, { kind: 'staff', id: tech.id }))!);
    await addReply(staffCtx, { ticketId: ticket.id, body: 'Live reply from the technician' });
    await addReply(staffCtx, { ticketId: ticket.id, body: 'Secret internal note', internal: true });

    await page.getByText('Live reply from the technician').waitFor({ timeout: 5_000 });
    expect(await page.getByText('Secret internal note').count()).toBe(0);
    await page.close();
  });
});

describe('live indicator', () => {
  it('shows when the live connection drops and turns green again when it comes back', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'technical@northwind.test');
    const live = page.getByRole('status');
    await expect.poll(() => live.getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    for (const client of portico.web.wss.clients) client.terminate();
    await expect.poll(() => live.getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    expect(await live.textContent()).toContain('Offline');
    await expect.poll(() => live.getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    await page.close();
  });
});
