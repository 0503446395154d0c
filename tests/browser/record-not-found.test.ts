import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies } from '../../db/schema/people';
import { assets, documents } from '../../db/schema/technical';
import { tickets } from '../../db/schema/tickets';
import type { TPortico } from '../../server/app';
import { seedFinance, type TSeededFinance } from '../../server/seed/demo-finance';
import { seedTechnical } from '../../server/seed/demo-technical';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let portico: TPortico;
let browser: Browser;
let origin: string;
let northwind: { invoice: number; quote: number; asset: number; document: number; ticket: number };

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ portico, browser, origin } = fx);
  const seeded: TSeededFinance[] = await seedFinance(portico.base);
  await seedTechnical(portico.base);
  const db = portico.base.db;
  const nw = (await db.select().from(companies).where(eq(companies.name, 'Northwind Logistics')))[0]!;
  const fin = seeded.find((s) => s.companyId === nw.id)!;
  northwind = {
    invoice: fin.invoices.overdue,
    quote: fin.quotes.sent,
    asset: (await db.select().from(assets).where(eq(assets.companyId, nw.id)))[0]!.id,
    document: (await db.select().from(documents).where(eq(documents.companyId, nw.id)))[0]!.id,
    ticket: (await db.select().from(tickets).where(eq(tickets.companyId, nw.id)))[0]!.id,
  };
});
afterAll(() => fx?.stop());

/** Opens the address and waits for the shared not-found state; any uncaught page error fails. */
async function expectNotFound(page: Page, errors: string[], path: string, noun: string): Promise<void> {
  errors.length = 0;
  await page.goto(`${origin}${path}`);
  await page.getByRole('heading', { name: `${noun} not found`, level: 1 }).waitFor({ timeout: 10_000 });
  expect(await page.getByText(`This ${noun.toLowerCase()} does not exist, or it is not shared with you.`).isVisible()).toBe(true);
  expect(await page.getByText('Loading').count()).toBe(0);
  expect(errors, `uncaught errors on ${path}`).toEqual([]);
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

describe('record pages: one not-found state', () => {
  it('a Primary contact gets "not found" for a nonexistent id and for another company\'s id on every record page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, origin, 'primary@acme-dental.test');
    const pages: [string, string, number][] = [
      ['/finance/invoices/', 'Invoice', northwind.invoice],
      ['/finance/quotes/', 'Quote', northwind.quote],
      ['/technical/assets/', 'Asset', northwind.asset],
      ['/assets/', 'Asset', northwind.asset],
      ['/technical/documents/', 'Document', northwind.document],
      ['/tickets/', 'Ticket', northwind.ticket],
    ];
    for (const [prefix, noun, othersId] of pages) {
      await expectNotFound(page, errors, `${prefix}999999`, noun);
      await expectNotFound(page, errors, `${prefix}${othersId}`, noun);
      await expectNotFound(page, errors, `${prefix}abc`, noun);
    }
    // The back link leads to the list.
    await page.getByRole('link', { name: '← Tickets' }).first().click();
    await page.waitForURL(`${origin}/tickets`);
    await page.close();
  });

  it('staff get the same state on their record pages', async () => {
    const key = await enrollTotp(portico, 'admin@demo-msp.test');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signInWithTotp(page, origin, 'admin@demo-msp.test', key);
    await expectNotFound(page, errors, '/staff/finance/invoices/999999', 'Invoice');
    await expectNotFound(page, errors, '/staff/finance/quotes/999999', 'Quote');
    await expectNotFound(page, errors, '/staff/companies/999999', 'Company');
    await expectNotFound(page, errors, '/technical/assets/999999', 'Asset');
    await expectNotFound(page, errors, '/technical/documents/999999', 'Document');
    await expectNotFound(page, errors, '/tickets/999999', 'Ticket');
    await page.close();
  });
});
