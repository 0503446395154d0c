import { desc, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/outbox';
import { companies } from '../../db/schema/people';
import type { TPortico } from '../../server/app';
import { sendInvitation } from '../../server/auth/invitations';
import { createContact } from '../../server/people/create-contact';
import { asDemoUser } from '../helpers/demo-actors';
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

describe('invitation', () => {
  it('sets up an account from the emailed link, signs in, and the link then shows as used', async () => {
    const base = portico.base;
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const company = (await base.db.select().from(companies).where(eq(companies.name, 'Northwind Logistics')))[0]!;
    const contact = await createContact(admin, { companyId: company.id, name: 'Nia New', email: 'nia@northwind.test', types: ['standard'] });
    await sendInvitation(admin, { contactId: contact.id });
    const mail = (await base.db.select().from(outbox).orderBy(desc(outbox.id)))[0]!;
    expect(mail.toAddress).toBe('nia@northwind.test');
    const link = /https?:\/\/\S+\/invitation\?token=[a-z2-7]+/.exec(mail.textBody)![0];

    const page = await browser.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Set up your account' }).waitFor();
    await page.getByText('nia@northwind.test').waitFor();
    // A refused password is said once, beside the field (it was also repeated above the form).
    await page.getByLabel('Password', { exact: true }).fill('iloveyou1');
    await page.getByLabel('Confirm password').fill('iloveyou1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This password is too common').first().waitFor();
    expect(await page.getByText('This password is too common').count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(1);
    await page.getByLabel('Password', { exact: true }).fill('a long pass phrase');
    await page.getByLabel('Confirm password').fill('a long pass phrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signIn(page, origin, 'nia@northwind.test', 'a long pass phrase');
    await page.getByRole('heading', { name: 'Welcome, Nia New' }).waitFor();

    await page.goto(link);
    await page.getByRole('heading', { name: 'Invalid or expired invitation' }).waitFor();
    await page.close();
  });
});
