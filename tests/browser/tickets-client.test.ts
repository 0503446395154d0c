import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addReply } from '../../server/tickets/add-reply';
import { createTicket } from '../../server/tickets/create-ticket';
import { asDemoUser } from '../helpers/demo-actors';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * The client portal's ticket pages: closing and rating, the My Tickets / All Tickets
 * switch by contact type, search, the list's live updates, and the New Ticket form's checks.
 */

let fx: TPortalFixture;

beforeAll(async () => {
  fx = await startPortalFixture();
});
afterAll(() => fx?.stop());

async function contactPage(email: string, width = 1280): Promise<Page> {
  const context = await fx.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signIn(page, fx.origin, email);
  return page;
}

const liveState = (page: Page) => page.getByRole('status').getAttribute('data-state');

describe('client tickets', () => {
  it('lets the requester close a ticket and rate it good with a comment', { timeout: 90_000 }, async () => {
    const t = await createTicket(await asDemoUser(fx.portico.base, 'standard@acme-dental.test'), { subject: 'Outlook asks for password', description: 'Every morning.', priority: 'low' });
    const page = await contactPage('standard@acme-dental.test');
    await page.goto(`${fx.origin}/tickets/${t.id}`);
    await page.getByRole('heading', { name: /Outlook asks for password/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'How did we do?' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Close ticket' }).click();
    await page.getByRole('heading', { name: 'How did we do?' }).waitFor({ timeout: 10_000 });
    await page.locator('.ticket-facts').getByText('Closed').waitFor();
    // A closed ticket takes no replies; it can be asked to reopen.
    expect(await page.getByLabel('Your reply').count()).toBe(0);
    await page.getByRole('button', { name: 'Request reopen' }).waitFor();

    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByText('Choose Good or Bad.').waitFor();
    await page.getByLabel('Good').check();
    await page.getByLabel('Comment (optional)').fill('Fixed before lunch, thanks');
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByText('You rated this ticket:').waitFor({ timeout: 10_000 });
    expect(await page.locator('.rating-shown').textContent()).toContain('Fixed before lunch, thanks');
    expect(await page.getByRole('heading', { name: 'How did we do?' }).count()).toBe(0);

    await page.reload();
    await page.getByText('You rated this ticket:').waitFor();
    expect(await page.locator('.rating-shown').textContent()).toContain('Good');
    await page.context().close();
  });

  it('shows the All Tickets switch to a Technical contact but not to a Standard one', { timeout: 90_000 }, async () => {
    const standard = await contactPage('standard@acme-dental.test');
    await standard.goto(`${fx.origin}/tickets`);
    await standard.getByRole('link', { name: 'Printer on 2nd floor is offline' }).waitFor();
    expect(await standard.getByRole('button', { name: 'All Tickets' }).count()).toBe(0);
    expect(await standard.getByRole('button', { name: 'My Tickets' }).count()).toBe(0);
    await standard.context().close();

    const technical = await contactPage('technical@acme-dental.test');
    await technical.goto(`${fx.origin}/tickets`);
    await technical.getByRole('link', { name: 'New starter next Monday' }).waitFor();
    // My Tickets: only what Terry raised or watches.
    expect(await technical.getByRole('link', { name: 'Printer on 2nd floor is offline' }).count()).toBe(0);
    await technical.getByRole('button', { name: 'All Tickets' }).click();
    await technical.getByRole('link', { name: 'Printer on 2nd floor is offline' }).waitFor();
    expect(await technical.getByRole('button', { name: 'All Tickets' }).getAttribute('aria-pressed')).toBe('true');
    expect(technical.url()).toContain('scope=company');
    await technical.context().close();
  });

  it('finds a ticket by a word in a reply, but not by a word only in an internal note', { timeout: 90_000 }, async () => {
    const requester = await asDemoUser(fx.portico.base, 'technical@northwind.test');
    const t = await createTicket(requester, { subject: 'Laptop fan is loud', description: 'Very loud since Tuesday.', priority: 'medium' });
    const tech = await asDemoUser(fx.portico.base, 'tech@demo-msp.test');
    await addReply(tech, { ticketId: t.id, body: 'Please check whether the vent is blocked by the kickstand.' });
    await addReply(tech, { ticketId: t.id, body: 'Probably needs a thermalpaste refresh.', internal: true });

    const page = await contactPage('technical@northwind.test');
    await page.goto(`${fx.origin}/tickets`);
    await page.getByRole('link', { name: 'Laptop fan is loud' }).waitFor();
    await page.getByLabel('Search tickets').fill('kickstand');
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('tbody tr').first().textContent()).toContain('Laptop fan is loud');
    expect(page.url()).toContain('q=kickstand');

    await page.getByLabel('Search tickets').fill('thermalpaste');
    await page.getByText('No tickets match these filters.').waitFor({ timeout: 10_000 });
    await page.context().close();
  });

  it('updates the list in place when a ticket changes or a new one is raised', { timeout: 90_000 }, async () => {
    const page = await contactPage('primary@acme-dental.test');
    await page.goto(`${fx.origin}/tickets?scope=company`);
    await page.getByRole('link', { name: 'Cannot access shared drive' }).waitFor();
    await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('live');
    await expect.poll(() => fx.portico.base.bus.listenerCount('company-tickets:1'), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await createTicket(await asDemoUser(fx.portico.base, 'billing@acme-dental.test'), { subject: 'Monitor flickers', description: 'Desk 4.', priority: 'low' });
    const row = page.locator('tbody tr', { hasText: 'Monitor flickers' });
    await row.waitFor({ timeout: 10_000 });
    expect(await page.locator('tbody tr').first().textContent()).toContain('Monitor flickers');
    expect(await row.getAttribute('class')).toContain('flash');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.context().close();
  });

  it('pages with "Load more" and shows each ticket once', { timeout: 90_000 }, async () => {
    const bailey = await asDemoUser(fx.portico.base, 'billing@northwind.test');
    for (let i = 1; i <= 30; i++) await createTicket(bailey, { subject: `Batch request ${i}`, description: 'One of many.', priority: 'low' });
    const page = await contactPage('billing@northwind.test');
    await page.goto(`${fx.origin}/tickets`);
    await page.getByRole('link', { name: 'Batch request 30' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(25);
    await page.getByRole('button', { name: 'Load more' }).click();
    // 30 new ones, the one Bailey raised and the one Bailey watches.
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 10_000 }).toBe(32);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const ids = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket-id')));
    expect(new Set(ids).size).toBe(32);
    await page.context().close();
  });

  it('checks the New Ticket form beside each field and fits a 390 px phone', { timeout: 90_000 }, async () => {
    const page = await contactPage('standard@northwind.test', 390);
    await page.getByRole('link', { name: 'New Ticket' }).click();
    await page.getByRole('heading', { name: 'New Ticket' }).waitFor();
    await page.getByLabel('Priority').selectOption('low');
    await page.getByText('Minor issue, general question, single user.').waitFor();
    await page.getByRole('button', { name: 'Raise Ticket' }).click();
    await page.getByText('Enter a subject.').waitFor();
    await page.getByText('Describe the problem.').waitFor();
    expect(await page.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    await page.goto(`${fx.origin}/tickets`);
    await page.getByRole('link', { name: 'Printer on 2nd floor is offline' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.goto(`${fx.origin}/tickets?status=closed`);
    await page.getByText('No tickets match these filters.').waitFor();
    await page.context().close();
  });

  it('tells a contact with no tickets how to start', { timeout: 90_000 }, async () => {
    const page = await contactPage('primary@northwind.test');
    await page.goto(`${fx.origin}/tickets`);
    await page.getByText('No open tickets. Use New Ticket to ask for help.').waitFor();
    await page.getByLabel('Status').selectOption('all');
    await page.getByText('No tickets yet. Use New Ticket to ask for help.').waitFor();
    expect(page.url()).toContain('status=all');
    await page.context().close();
  });
});
