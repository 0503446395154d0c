import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema/people';
import { issueReplyToken, replyAddress } from '../../server/notifications/reply-tokens';
import { createTicket } from '../../server/tickets/create-ticket';
import { asDemoUser } from '../helpers/demo-actors';
import type { Page } from 'playwright-core';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
beforeAll(async () => {
  fx = await startPortalFixture();
});
afterAll(() => fx?.stop());

const SAM = 'standard@acme-dental.test';
let admin: Page | undefined;
/** One signed-in administrator for the tests here: an authenticator code signs in once. */
async function adminPage(): Promise<Page> {
  if (!admin) {
    admin = await fx.browser.newPage();
    await signInWithTotp(admin, fx.origin, 'admin@demo-msp.test', await enrollTotp(fx.portico, 'admin@demo-msp.test'));
  }
  return admin;
}

async function mail(message: nodemailer.SendMailOptions): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: fx.portico.smtpPort, secure: false, ignoreTLS: true });
  await t.sendMail(message);
  t.close();
}

describe('email into the open portal', () => {
  it('a contact with the ticket open sees their emailed reply appear, trimmed, without reloading', async () => {
    const { base } = fx.portico;
    const ticket = await createTicket(await asDemoUser(base, SAM), { subject: 'Label printer prints blank pages', description: 'The Zebra printer at the front desk.' });
    const user = (await base.db.select().from(users).where(eq(users.email, SAM)))[0]!;
    const token = await base.db.transaction(async (tx) => await issueReplyToken(tx, base.clock.now(), { ticketId: ticket.id, userId: user.id, email: SAM }));

    const page = await fx.browser.newPage();
    await signIn(page, fx.origin, SAM);
    await page.goto(`${fx.origin}/tickets/${ticket.id}`);
    await page.getByText('The Zebra printer at the front desk.').first().waitFor();
    await expect.poll(() => page.getByRole('status').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

    await mail({
      from: `Sam Standard <${SAM}>`,
      to: replyAddress(token, base.settings.MAIL_DOMAIN),
      subject: `Re: [#${ticket.number}] ${ticket.subject}`,
      text: 'New ribbon fitted, it prints again.\n\nOn Mon, 2 Nov 2026, Demo MSP wrote:\n> ##- Please type your reply above this line -##\n> Please check the ribbon.',
      html: '<div>New ribbon fitted, it prints again.</div><div class="gmail_quote">On Mon, 2 Nov 2026, Demo MSP wrote:<blockquote class="gmail_quote">##- Please type your reply above this line -##<br>Please check the ribbon.</blockquote></div>',
    });

    await page.getByText('New ribbon fitted, it prints again.').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await page.getByText('Please check the ribbon.').count()).toBe(0);
    await page.close();

    // Staff can expand what arrived, quote included, on the ticket.
    const key = await enrollTotp(fx.portico, 'tech@demo-msp.test');
    const staff = await fx.browser.newPage();
    await signInWithTotp(staff, fx.origin, 'tech@demo-msp.test', key);
    await staff.goto(`${fx.origin}/tickets/${ticket.id}`);
    const emailed = staff.getByRole('region', { name: 'Received by email' });
    await emailed.getByRole('button', { name: 'Show original email' }).click();
    await emailed.getByText('Please check the ribbon.').first().waitFor();
    await staff.close();
  });

  it('staff see an unmatched message on the Unmatched mail page and raise a ticket from it', async () => {
    await mail({ from: 'Olga Outsider <olga@elsewhere.test>', to: `support@${fx.portico.base.settings.MAIL_DOMAIN}`, subject: 'Quote for 5 laptops?', html: '<p>Could you send a quote?</p><script>alert(1)</script>' });
    const page = await adminPage();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Tickets' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Unmatched mail' }).click();
    await page.getByRole('button', { name: 'Quote for 5 laptops?' }).click();
    const original = page.getByRole('region', { name: 'Original email' });
    await original.getByText('Could you send a quote?').waitFor();
    expect(await original.locator('script').count()).toBe(0);
    await page.getByLabel('New ticket for').selectOption({ label: 'Acme Dental' });
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.getByRole('status').getByText(/Ticket #\d+ was raised from the message\./).waitFor();
    await page.getByText('No unmatched mail.').waitFor();
  });

  it('mail a spam filter marked (Discourse fixture) waits on the Unmatched mail page flagged Spam', async () => {
    const raw = readFileSync(new URL('../fixtures/mail/discourse/spam_x_spam_flag.eml', import.meta.url), 'latin1').replace(/^To:.*$/m, `To: support@${fx.portico.base.settings.MAIL_DOMAIN}`);
    await mail({ envelope: { from: 'existing@bar.com', to: `support@${fx.portico.base.settings.MAIL_DOMAIN}` }, raw });
    const page = await adminPage();
    await page.goto(`${fx.origin}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Tickets' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Unmatched mail' }).click();
    const row = page.getByRole('listitem').filter({ hasText: 'This is a topic from an existing user' });
    await row.locator('.badge', { hasText: /^Spam$/ }).waitFor();
    await row.getByText(/Marked as spam on the way \(X-Spam-Flag: YES\)/).waitFor();
    await row.getByRole('button', { name: 'This is a topic from an existing user' }).click();
    await row.getByRole('button', { name: 'Discard' }).click();
    await page.getByText('No unmatched mail.').waitFor();
    await page.close();
  });
});
