import { and, count, countDistinct, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type TDb } from '../../../db/client';
import { ENGINE } from '../../../db/engine';
import { invoices, recurringInvoices } from '../../../db/schema/finance';
import { companies } from '../../../db/schema/people';
import { system } from '../../../server/core/actor';
import type { FixedClock } from '../../../server/core/clock';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createServiceContext } from '../../../server/core/create-service-context';
import { createRecurring } from '../../../server/finance/recurring';
import { issueDueRecurringInvoices } from '../../../server/finance/recurring-scheduler';
import { seedDemo } from '../../../server/seed/demo-people';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

/*
 * The recurring-invoice scheduler runs on every node at once: 1,000 due recurring invoices,
 * three schedulers started together (on PostgreSQL with a connection pool each, as three
 * processes have), exactly 1,000 invoices, none twice.
 */
let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void>;
const extra: TDb[] = [];
const DUE = 1000;

beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext(new Date('2026-11-01T09:00:00Z')));
  await seedDemo(base);
  const admin = await asDemoUser(base, 'admin@demo-msp.test');
  const companyIds = (await base.db.select({ id: companies.id }).from(companies)).map((c) => c.id);
  for (let i = 0; i < DUE; i++) {
    await createRecurring(admin, { companyId: companyIds[i % companyIds.length]!, scope: `Service ${i}`, frequency: 'monthly', amountMinor: 1000 + i, nextBillDate: '2026-11-01' });
  }
  if (ENGINE === 'pg') for (let i = 0; i < 2; i++) extra.push(await openDatabase(base.settings));
}, 300_000);
afterAll(async () => {
  for (const db of extra) await closeDatabase(db);
  await cleanup();
});

describe('recurring invoices on several nodes', () => {
  it('issues each due period once when three schedulers run together', async () => {
    const nodes = [base.db, ...(ENGINE === 'pg' ? extra : [base.db, base.db])].map((db) =>
      withActor(createServiceContext({ db, settings: base.settings, clock, log: base.log }), system),
    );
    const runs = await Promise.all(nodes.map(async (ctx) => await issueDueRecurringInvoices(ctx)));
    const issued = (await base.db
      .select({ n: count(), periods: countDistinct(invoices.recurringInvoiceId) })
      .from(invoices)
      .where(and(isNotNull(invoices.recurringInvoiceId), eq(invoices.recurringPeriod, '2026-11-01'))))[0]!;
    expect(issued).toEqual({ n: DUE, periods: DUE });
    expect(runs.reduce((sum, r) => sum + r.issued, 0)).toBe(DUE);
    const moved = (await base.db.select({ n: count() }).from(recurringInvoices).where(eq(recurringInvoices.nextBillDate, '2026-12-01')))[0]!.n;
    expect(moved).toBe(DUE);
  }, 300_000);
});
