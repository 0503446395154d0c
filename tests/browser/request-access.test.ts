import { and, desc, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/outbox';
import { companies, contacts } from '../../db/schema/people';
import type { TPortico } from '../../server/app';
import { enrollTotp, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let portico: TPortico;
let browser: Browser;
let origin: string;
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ portico, browser, origin } = fx);
});
afterAll(() => fx?.stop());

const CONFIRMATION =
  'Your request was received. Your service provider reviews each request; if it is approved you will receive an email invitation with a link to set up your account.';

describe('request access', () => {
  it('reaches open staff pages live; approval into a new company sends a working invitation', async () => {
    const key = await enrollTotp(portico, 'admin@demo-msp.test');
    const staff = await browser.newPage();
    await signInWithTotp(staff, origin, 'admin@demo-msp.test', key);
    await staff.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Clients' }).click();
    await staff.getByRole('link', { name: 'Access requests' }).click();
    await staff.getByRole('heading', { name: 'Access requests' }).waitFor();
    await staff.getByText('No pending requests.').waitFor();
    await staff.getByText('Live', { exact: true }).waitFor();
    // Survives only if the request shows up without a reload.
    await staff.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const visitor = await browser.newPage();
    await visitor.goto(`${origin}/sign-in`);
    await visitor.getByRole('link', { name: 'Request access' }).click();
    await visitor.getByRole('heading', { name: 'Request access' }).waitFor();
    await expect(visitor.getByLabel('Service provider identifier').count()).resolves.toBe(0);
    await visitor.getByLabel('Your name').fill('Rita Requester');
    await visitor.getByLabel('Email address').fill('rita@rita-bakery.test');
    await visitor.getByLabel('Your company name').fill('Rita Bakery');
    await visitor.getByRole('button', { name: 'Request access' }).click();
    await visitor.getByRole('status').filter({ hasText: CONFIRMATION }).waitFor();

    const request = staff.getByRole('article', { name: 'Rita Requester' });
    await request.waitFor();
    await request.getByText('rita@rita-bakery.test').waitFor();
    await expect(staff.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(true);

    await expect(request.getByLabel('Company', { exact: true }).inputValue()).resolves.toBe('0');
    await request.getByLabel('New company name').fill('Rita Bakery Ltd');
    await request.getByRole('button', { name: 'Approve Rita Requester' }).click();
    await staff.getByText('Approved: an invitation was sent to rita@rita-bakery.test for Rita Bakery Ltd.').waitFor();
    await request.waitFor({ state: 'detached' });

    const db = portico.base.db;
    const company = (await db.select().from(companies).where(eq(companies.name, 'Rita Bakery Ltd')))[0]!;
    const contact = (await db.select().from(contacts).where(and(eq(contacts.companyId, company.id), eq(contacts.email, 'rita@rita-bakery.test'))))[0];
    expect(contact?.types).toEqual(['standard']);
    const mail = (await db.select().from(outbox).where(eq(outbox.toAddress, 'rita@rita-bakery.test')).orderBy(desc(outbox.id)))[0]!;
    const link = /https?:\/\/\S+\/invitation\?token=[a-z2-7]+/.exec(mail.textBody)![0];
    await visitor.goto(link);
    await visitor.getByRole('heading', { name: 'Set up your account' }).waitFor();
    await visitor.getByText('rita@rita-bakery.test').waitFor();
    await staff.close();
    await visitor.close();
  });
});
