import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/outbox';
import { providers } from '../../db/schema/people';
import type { TPortico } from '../../server/app';
import { unitOfWork } from '../../server/core/unit-of-work';
import { enqueueEmail } from '../../server/outbox/enqueue-email';
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

async function send(to: string, subject: string, headers: Record<string, string> = {}): Promise<number> {
  const base = portico.base;
  const providerId = (await base.db.select().from(providers).where(eq(providers.identifier, 'demo-msp')))[0]!.id;
  return await unitOfWork(base, async (tx, emit) => await enqueueEmail(tx, emit, base.clock.now(), { providerId, to, from: 'Demo MSP <support@portico.test>', subject, text: 'Hello', headers }));
}

describe('Outgoing mail page', () => {
  it('shows Reply-To and the other headers, what happened to each message, and searches by recipient or subject', async () => {
    await send('pat@acme-dental.test', 'Ticket #1001: new reply', { 'Reply-To': 'reply+t1001@portico.localhost', 'Message-ID': '<t1001.x@portico.localhost>' });
    const failed = await send('gone@northwind.test', 'Invoice INV-1009 issued');
    await portico.base.db.update(outbox).set({ status: 'failed', attempts: 8, lastError: '550 5.1.1 mailbox unknown' }).where(eq(outbox.id, failed));

    const key = await enrollTotp(portico, 'admin@demo-msp.test');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInWithTotp(page, origin, 'admin@demo-msp.test', key);
    await page.goto(`${origin}/staff/outgoing-mail`);
    const list = page.getByRole('list', { name: 'Outgoing mail messages' });
    const ticketRow = list.getByRole('listitem').filter({ hasText: 'Ticket #1001: new reply' });
    await ticketRow.waitFor();
    // No relay in tests: the mail is kept here, and the page says so.
    expect(await ticketRow.getByTestId('outbox-status').innerText()).toBe('kept: no relay set');
    expect(await list.getByRole('listitem').filter({ hasText: 'Invoice INV-1009 issued' }).getByTestId('outbox-status').innerText()).toBe('failed: 550 5.1.1 mailbox unknown');

    await ticketRow.getByRole('button', { name: 'Ticket #1001: new reply' }).click();
    const headers = page.getByRole('definition').filter({ hasText: 'reply+t1001@portico.localhost' });
    await headers.waitFor();
    const dl = ticketRow.locator('dl');
    expect(await dl.innerText()).toMatch(/Reply-To\s+reply\+t1001@portico\.localhost/);
    expect(await dl.innerText()).toMatch(/Message-ID\s+<t1001\.x@portico\.localhost>/);
    expect(await dl.innerText()).toMatch(/From\s+Demo MSP <support@portico\.test>/);

    // Search by recipient, then by subject.
    const search = page.getByRole('searchbox', { name: 'Search by recipient or subject' });
    await search.fill('NORTHWIND.test');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    await list.getByRole('button', { name: 'Invoice INV-1009 issued' }).waitFor();
    await search.fill('#1001');
    await page.getByRole('button', { name: 'Search' }).click();
    await list.getByRole('button', { name: 'Ticket #1001: new reply' }).waitFor();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    await search.fill('no such thing');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').getByText('No email matches “no such thing”.').waitFor();
    await page.close();
  });
});
