import type { Browser } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTechnical } from '../../server/seed/demo-technical';
import { companies } from '../../db/schema/people';
import { documents } from '../../db/schema/technical';
import type { TPortico } from '../../server/app';
import { createDomain } from '../../server/technical/domains';
import { asDemoUser } from '../helpers/demo-actors';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let portico: TPortico;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ portico, browser, origin } = fx);
  await seedTechnical(fx.portico.base);
});
afterAll(() => fx?.stop());

/** Acme Dental's document of that title (every demo company has one of each). */
const docId = async (title: string) =>
  (await portico.base.db
    .select({ id: documents.id })
    .from(documents)
    .innerJoin(companies, eq(companies.id, documents.companyId))
    .where(and(eq(documents.title, title), eq(companies.name, 'Acme Dental'))))[0]!.id;

describe('Technical area', () => {
  it('a Technical contact sees assets, domains with an expiry badge, opens a document and uploads one', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, origin, 'technical@acme-dental.test');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Technical', exact: true }).click();
    const assets = page.getByRole('table', { name: 'Assets' });
    await assets.getByRole('link', { name: 'Reception PC' }).waitFor();
    expect(await assets.locator('tbody tr').count()).toBe(4);
    await expect.poll(() => assets.getByRole('row', { name: /Front desk printer/ }).innerText()).toContain('Expires in 30 days');

    const sub = page.getByRole('navigation', { name: 'Technical' });
    await sub.getByRole('link', { name: 'Domains' }).click();
    const domainRow = page.getByRole('table', { name: 'Domains' }).getByRole('row', { name: /acme-dental\.com/ });
    await domainRow.waitFor();
    expect(await domainRow.innerText()).toContain('Expires in 20 days');
    // Live: a domain staff add appears without a reload.
    await expect.poll(async () => portico.base.bus.listenerCount(`company-technical:${(await acmeId())}`), { timeout: 10_000 }).toBeGreaterThan(0);
    await createDomain(await asDemoUser(portico.base, 'admin@demo-msp.test'), { companyId: await acmeId(), name: 'acme-new.com', expiresOn: null });
    await page.getByRole('table', { name: 'Domains' }).getByText('acme-new.com').waitFor({ timeout: 5_000 });

    await sub.getByRole('link', { name: 'Certificates' }).click();
    await page.getByRole('table', { name: 'Certificates' }).getByRole('row', { name: /www\.acme-dental\.com/ }).getByText('Expired').waitFor();

    await sub.getByRole('link', { name: 'Documents' }).click();
    const docs = page.getByRole('table', { name: 'Documents' });
    await docs.getByRole('link', { name: 'Network overview', exact: true }).click();
    await page.getByRole('heading', { name: 'Network overview' }).waitFor();
    // Markdown is shown as its text, never rendered.
    await expect.poll(() => page.locator('pre.doc-text').innerText()).toContain('# Acme Dental network overview');

    const visible = await page.request.get(`${origin}/documents/${(await docId('Network overview'))}/network-overview.md`);
    expect(visible.status()).toBe(200);
    expect(visible.headers()['content-type']).toBe('text/plain; charset=utf-8');
    expect(visible.headers()['x-content-type-options']).toBe('nosniff');
    expect(visible.headers()['content-security-policy']).toMatch(/^default-src 'none'; sandbox/);
    expect((await page.request.get(`${origin}/documents/${(await docId('Technician handover notes'))}/x`)).status()).toBe(404);

    await page.getByRole('link', { name: '← Documents' }).click();
    await page.getByLabel('File').setInputFiles({ name: 'wifi-guide.txt', mimeType: 'text/plain', buffer: Buffer.from('Join the staff Wi-Fi with your portal email.\n') });
    await page.getByLabel('Title (optional)').fill('Wi-Fi guide');
    await page.getByRole('button', { name: 'Upload' }).click();
    await docs.getByRole('link', { name: 'Wi-Fi guide', exact: true }).waitFor();
    expect(await docs.getByRole('link', { name: /Technician handover notes/ }).count()).toBe(0);
    // A refused file: the message sits next to the field.
    await page.getByLabel('File').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#upload-file-error').getByText('SVG and HTML files are not accepted.').waitFor();
    await page.close();
  });

  it('shows tables as cards at 390 px', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, origin, 'primary@acme-dental.test');
    await page.goto(`${origin}/technical/assets`);
    const row = page.getByRole('table', { name: 'Assets' }).getByRole('row', { name: /Reception PC/ });
    await row.waitFor();
    expect(await page.locator('table.tech-table thead').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('a Standard contact sees only "My assets" with their one asset, and Technical is refused', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'standard@acme-dental.test');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Tickets' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Technical', exact: true }).count()).toBe(0);
    await page.goto(`${origin}/assets`);
    await page.getByRole('heading', { name: 'My assets' }).waitFor();
    const mine = page.getByRole('table', { name: 'My assets' });
    await mine.getByRole('link', { name: 'Reception PC' }).waitFor();
    expect(await mine.locator('tbody tr').count()).toBe(1);
    await mine.getByRole('link', { name: 'Reception PC' }).click();
    await page.getByRole('heading', { name: 'Reception PC' }).waitFor();
    await page.getByText('OptiPlex 7010').waitFor();

    await page.goto(`${origin}/technical/domains`);
    await page.getByRole('alert').getByText('Technical records are for Technical and Primary contacts.').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    expect((await page.request.get(`${origin}/documents/${(await docId('Network overview'))}/network-overview.md`)).status()).toBe(404);
    const file = { name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('x') };
    // As the page's own upload sends it: with the portal's Origin.
    const refused = await page.request.post(`${origin}/documents`, { multipart: { file }, headers: { Origin: origin } });
    expect([refused.status(), (await refused.json()).error]).toEqual([403, 'Technical records are for Technical and Primary contacts.']);
    // Cross-site and signed-out uploads are refused before anything is read.
    expect((await fetch(`${origin}/documents`, { method: 'POST', headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${origin}/documents`, { method: 'POST', headers: { Origin: origin } })).status).toBe(401);
    expect((await fetch(`${origin}/documents`, { method: 'POST' })).status).toBe(403); // neither Origin nor Sec-Fetch-Site
    await page.close();
  });

  it('a Billing-only contact gets no Technical link', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'billing@acme-dental.test');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Tickets' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Technical', exact: true }).count()).toBe(0);
    await page.close();
  });

  it('staff pick a company, get field errors next to the field, and choose what the client sees', async () => {
    const key = await enrollTotp(portico, 'tech@demo-msp.test');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInWithTotp(page, origin, 'tech@demo-msp.test', key);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Technical', exact: true }).click();
    await page.getByLabel('Company').selectOption({ label: 'Acme Dental' });
    await page.getByRole('table', { name: 'Assets of this company' }).getByText('Reception PC').waitFor();

    await page.getByRole('navigation', { name: 'Technical records' }).getByRole('link', { name: 'Domains' }).click();
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByLabel('Domain name').fill('not a domain');
    await page.getByRole('button', { name: 'Add domain' }).last().click();
    await page.locator('#domain-name-error').getByText('Enter a domain name like example.com.').waitFor();
    await page.getByLabel('Domain name').fill('acme-dental.org');
    await page.getByLabel('DNS name servers (one per line)').fill('ns1.example.net\nns2.example.net');
    await page.getByRole('button', { name: 'Add domain' }).last().click();
    await page.getByRole('table', { name: 'Domains of this company' }).getByText('ns1.example.net, ns2.example.net').waitFor();

    await page.getByRole('navigation', { name: 'Technical records' }).getByRole('link', { name: 'Documents' }).click();
    const box = page.getByRole('checkbox', { name: 'Visible to client: Technician handover notes' });
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await expect.poll(async () => (await portico.base.db.select().from(documents).where(eq(documents.id, await docId('Technician handover notes'))))[0]!.visibleToClient).toBe(true);
    await page.close();
  });
});

async function acmeId(): Promise<number> {
  return (await portico.base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!.id;
}
