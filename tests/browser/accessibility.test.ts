import { readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, contacts } from '../../db/schema/people';
import { assets, documents } from '../../db/schema/technical';
import { tickets } from '../../db/schema/tickets';
import { seedFinance } from '../../server/seed/demo-finance';
import { seedTechnical } from '../../server/seed/demo-technical';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * axe-core over every page of the router, as each contact type and as staff, at a phone
 * width (390 px) and a desktop width (1280 px): no serious or critical finding.
 * One browser; one signed-in context per person, resized between the two widths.
 */

const WIDTHS = [390, 1280] as const;

/** Every path the client router declares (client/src/routes.tsx), so a new page cannot skip this check. */
function routerPaths(): string[] {
  const source = readFileSync(new URL('../../client/src/routes.tsx', import.meta.url), 'utf8');
  const paths = new Set<string>();
  for (const m of source.matchAll(/<Route path=(\{\[[^\]]*\]\}|"[^"]*")/g)) {
    for (const p of m[1]!.matchAll(/'([^']*)'|"([^"]*)"/g)) paths.add(p[1] ?? p[2]!);
  }
  return [...paths];
}

/** Signed-out pages: shown to everyone before signing in. */
const PUBLIC = ['/sign-in', '/invitation', '/forgot-password', '/request-access', '/reset-password', '/confirm-email'];

let fx: TPortalFixture;
const ids = { ticket: 0, invoice: 0, quote: 0, asset: 0, document: 0, company: 0 };
const opened: BrowserContext[] = [];

beforeAll(async () => {
  fx = await startPortalFixture();
  const seeded = await seedFinance(fx.portico.base);
  await seedTechnical(fx.portico.base);
  const db = fx.portico.base.db;
  const acme = (await db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
  const fin = seeded.find((s) => s.companyId === acme.id)!;
  const primary = (await db.select().from(contacts).where(eq(contacts.email, 'primary@acme-dental.test')))[0]!;
  ids.ticket = (await db.select().from(tickets).where(eq(tickets.companyId, primary.companyId)))[0]!.id;
  ids.invoice = fin.invoices.partial;
  ids.quote = fin.quotes.sent;
  ids.asset = (await db.select().from(assets).where(eq(assets.companyId, acme.id)))[0]!.id;
  ids.document = (await db.select().from(documents).where(eq(documents.companyId, acme.id)))[0]!.id;
  ids.company = acme.id;
}, 120_000);
afterAll(async () => {
  for (const c of opened) await c.close().catch(() => undefined);
  await fx?.stop();
});

/** The address to open for a router path: parameters filled with records of Acme Dental, "*" as an unknown address. */
function address(path: string): string {
  const fill: Record<string, string> = {
    '/tickets/:id': `/tickets/${ids.ticket}`,
    '/finance/invoices/:id': `/finance/invoices/${ids.invoice}`,
    '/finance/quotes/:id': `/finance/quotes/${ids.quote}`,
    '/finance/:tab': '/finance/payments',
    '/staff/finance/invoices/:id': `/staff/finance/invoices/${ids.invoice}`,
    '/staff/finance/quotes/:id': `/staff/finance/quotes/${ids.quote}`,
    '/staff/finance/:tab': '/staff/finance/quotes',
    '/technical/assets/:id': `/technical/assets/${ids.asset}`,
    '/technical/documents/:id': `/technical/documents/${ids.document}`,
    '/assets/:id': `/assets/${ids.asset}`,
    '/staff/companies/:id': `/staff/companies/${ids.company}`,
    '*': '/no-such-page',
  };
  if (fill[path]) return fill[path];
  if (path.includes(':')) throw new Error(`accessibility test: no address for ${path}; add one`);
  return path;
}

/**
 * Waits until the page has drawn its content: a heading or an error, and nothing left loading.
 * A page this person may not open may show neither; axe then checks what it does show.
 */
async function settled(page: Page): Promise<void> {
  await page
    .waitForFunction(() => !!document.querySelector('h1, [role=alert]') && !/Loading/.test(document.body.innerText), undefined, { timeout: 5_000 })
    .catch(() => undefined);
}

/** axe's serious and critical findings on the page as it is now, one line each: rule, impact, targets. */
async function findings(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    // One frame per page (no iframes): legacy mode runs in place instead of opening a page per run.
    .setLegacyMode(true)
    // Off by default in axe (experimental), and the issue's own example: visible words missing from a control's name.
    .options({ resultTypes: ['violations'], rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Opens each address at both widths and returns every finding, labelled with where it was seen. */
async function audit(page: Page, paths: string[]): Promise<string[]> {
  const all: string[] = [];
  for (const path of paths) {
    await page.setViewportSize({ width: WIDTHS[0], height: 900 });
    await page.goto(`${fx.origin}${address(path)}`);
    await settled(page);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const f of await findings(page)) all.push(`${address(path)} @${width}px: ${f}`);
    }
  }
  return all;
}

const contactPaths = () => routerPaths().filter((p) => !PUBLIC.includes(p) && !p.startsWith('/staff'));
/** Areas a contact type cannot open (the same refusal for each); the Primary contact walks them all. */
const CLOSED: Record<string, string[]> = { primary: [], billing: ['/technical', '/assets', '/contacts'], technical: ['/finance', '/contacts'], standard: ['/finance', '/technical', '/contacts'] };
const pathsFor = (type: string) => contactPaths().filter((p) => !CLOSED[type]!.some((c) => p.startsWith(c)));
const staffPaths = () => routerPaths().filter((p) => !PUBLIC.includes(p) && (p.startsWith('/staff') || ['/', '/account', '/account/two-factor', '/tickets/:id', '*'].includes(p)));

describe('axe-core: no serious or critical finding', () => {
  it('covers every router path', () => {
    const covered = new Set([...PUBLIC, ...contactPaths(), ...staffPaths()]);
    expect(routerPaths().filter((p) => !covered.has(p))).toEqual([]);
    expect(routerPaths().length).toBeGreaterThan(40);
  });

  it('on the signed-out pages', { timeout: 120_000 }, async () => {
    const context = await fx.browser.newContext();
    opened.push(context);
    const problems = await audit(await context.newPage(), PUBLIC);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  for (const type of ['primary', 'billing', 'technical', 'standard']) {
    it(`as a ${type[0]!.toUpperCase()}${type.slice(1)} contact`, { timeout: 180_000 }, async () => {
      const context = await fx.browser.newContext();
      opened.push(context);
      const page = await context.newPage();
      await signIn(page, fx.origin, `${type}@acme-dental.test`);
      const problems = await audit(page, pathsFor(type));
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }

  it('as staff (an administrator)', { timeout: 180_000 }, async () => {
    const context = await fx.browser.newContext();
    opened.push(context);
    const page = await context.newPage();
    const key = await enrollTotp(fx.portico, 'admin@demo-msp.test');
    await signInWithTotp(page, fx.origin, 'admin@demo-msp.test', key);
    const problems = await audit(page, staffPaths());
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
