import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket } from '../../server/tickets/create-ticket';
import { asDemoUser } from '../helpers/demo-actors';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
beforeAll(async () => {
  fx = await startPortalFixture();
});
afterAll(() => fx?.stop());

const SAM = 'standard@acme-dental.test';

describe('a reply from an unverified sender', () => {
  it('staff see it held with the verdict beside the original, and "Release" posts it to the client live', async () => {
    const { base } = fx.portico;
    const ticket = await createTicket(await asDemoUser(base, SAM), { subject: 'Scanner will not scan to email', description: 'The Brother in the back office.' });
    // The forged From of the issue: the attacker's envelope, the contact's header From, the ticket's number.
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: fx.portico.smtpPort, secure: false, ignoreTLS: true });
    await t.sendMail({
      envelope: { from: 'attacker@evil.example', to: `support@${base.settings.MAIL_DOMAIN}` },
      from: `Sam Standard <${SAM}>`,
      to: `support@${base.settings.MAIL_DOMAIN}`,
      subject: `Re: [#${ticket.number}] ${ticket.subject}`,
      text: 'Fixed it myself: the SMTP password had expired.',
    });
    t.close();
    await fx.portico.intake.idle();

    // The contact has the ticket open: nothing shows until staff release it.
    const client = await fx.browser.newPage();
    await signIn(client, fx.origin, SAM);
    await client.goto(`${fx.origin}/tickets/${ticket.id}`);
    await client.getByText('The Brother in the back office.').first().waitFor();
    await expect.poll(() => client.getByRole('status').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    expect(await client.getByText('Fixed it myself').count()).toBe(0);

    const key = await enrollTotp(fx.portico, 'tech@demo-msp.test');
    const staff = await fx.browser.newPage();
    await signInWithTotp(staff, fx.origin, 'tech@demo-msp.test', key);
    await staff.goto(`${fx.origin}/tickets/${ticket.id}`);
    const note = staff.getByRole('article', { name: /^Internal note by Sam Standard/ });
    await note.getByText('Fixed it myself: the SMTP password had expired.').waitFor();
    const held = staff.getByRole('group', { name: 'Held reply from an unverified sender' });
    await held.getByText('Sender authentication: Not checked: this server looks up no DNS (MAIL_DNS=off)').waitFor();

    const emailed = staff.getByRole('region', { name: 'Received by email' });
    await emailed.getByText('Unverified sender').waitFor();
    await emailed.getByRole('button', { name: 'Show original email' }).click();
    const verdict = emailed.getByRole('region', { name: 'Sender authentication' });
    await verdict.getByText('not verified').waitFor();
    expect(await verdict.textContent()).toContain('The sender could not be authenticated');

    await held.getByRole('button', { name: 'Release' }).click();
    await held.getByRole('button', { name: 'Yes, release' }).click();
    await staff.getByRole('article', { name: /^Message from Sam Standard/ }).getByText('Fixed it myself').waitFor();
    expect(await staff.getByRole('group', { name: 'Held reply from an unverified sender' }).count()).toBe(0);
    await emailed.getByText('Released by staff').waitFor();

    // Live on the contact's open page, without reloading.
    await client.getByRole('article', { name: /^Message from Sam Standard/ }).getByText('Fixed it myself: the SMTP password had expired.').waitFor({ timeout: 5_000 });
    await client.close();
    await staff.close();
  });
});
