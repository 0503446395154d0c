import { and, asc, eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { invoices, payments } from '../../../db/schema/finance';
import { outbox } from '../../../db/schema/outbox';
import { autopayAttempts, paymentGateways } from '../../../db/schema/payments';
import { companies } from '../../../db/schema/people';
import { system } from '../../../server/core/actor';
import type { FixedClock } from '../../../server/core/clock';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { getInvoice } from '../../../server/finance/invoices';
import { isoDay } from '../../../server/finance/money';
import { recordPayment } from '../../../server/finance/payments';
import { createRecurring } from '../../../server/finance/recurring';
import { issueDueRecurringInvoices } from '../../../server/finance/recurring-scheduler';
import { AUTOPAY_LEASE_MS, autopayIdempotencyKey, handleAutopayIntent, runDueAutopay, scheduleAutopayOnIssue } from '../../../server/payments/autopay';
import { runRecurringBilling } from '../../../server/payments/billing-run';
import { paymentHistory } from '../../../server/payments/payment-history';
import { handleSetupCompleted, startSaveCard, type TGatewayResolver } from '../../../server/payments/saved-cards';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';
import { memoryGateway, type TMemoryGateway } from '../../helpers/memory-gateway';

/*
 * Auto-pay against an in-memory gateway: exactly one charge per invoice however the runs
 * interleave or die between steps, retries on 1, 3 and 7 days after a decline with mail to
 * the billing contacts, no retry once the invoice is paid, abandoned after the last retry.
 */

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
let sys: ServiceContext;
let admin: ServiceContext;
let billing: ServiceContext;
let acme: number;
let providerId: number;
let mem: TMemoryGateway;
let resolve: TGatewayResolver;

beforeEach(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext(new Date('2026-11-01T09:00:00Z')));
  await seedDemo(base);
  sys = withActor(base, system);
  admin = await asDemoUser(base, 'admin@demo-msp.test');
  billing = await asDemoUser(base, 'billing@acme-dental.test');
  acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!.id;
  providerId = (admin.actor as { providerId: number }).providerId;
  const now = clock.now();
  // Card payments on (keys are never used: the services get the memory gateway).
  (await base.db.insert(paymentGateways).values({ providerId, publishableKey: 'pk_test_x', sealedSecretKey: 'x', sealedWebhookSecret: 'x', createdAt: now, updatedAt: now }));
  mem = memoryGateway();
  resolve = async () => mem.gateway;
});
afterEach(() => cleanup());

async function saveCard(): Promise<void> {
  await startSaveCard(billing, resolve);
  const cs = mem.checkouts.at(-1)!;
  const { setupIntentId } = mem.completeSetup(cs.id);
  await handleSetupCompleted(sys, mem.gateway, { providerId, gatewaySessionId: cs.id, setupIntentId });
}

/** A monthly subscription billed today with auto-pay on; returns the invoice the scheduler issues. */
async function issueWithAutopay(amountMinor = 12_000) {
  await createRecurring(admin, { companyId: acme, scope: 'Managed services', frequency: 'monthly', amountMinor, nextBillDate: isoDay(clock.now()), autoPay: true });
  const run = await runRecurringBilling(base, resolve);
  const inv = (await base.db.select().from(invoices).where(eq(invoices.companyId, acme)).orderBy(asc(invoices.id))).at(-1)!;
  return { inv, run };
}

const attempts = async (invoiceId: number) => (await base.db.select().from(autopayAttempts).where(eq(autopayAttempts.invoiceId, invoiceId)).orderBy(asc(autopayAttempts.attemptNo)));
const paymentsOf = async (invoiceId: number) => (await base.db.select().from(payments).where(eq(payments.invoiceId, invoiceId)));
const mailsAbout = async (label: string) => (await base.db.select().from(outbox).where(like(outbox.subject, `%${label}%`)).orderBy(asc(outbox.id)));

describe('auto-pay on issue', () => {
  it('charges the default card once, applies the payment with the card, and does nothing more on later runs', async () => {
    await saveCard();
    const { inv, run } = await issueWithAutopay();
    expect(run).toMatchObject({ issued: 1, autopay: { charged: 1 } });
    expect(mem.charged).toEqual([{ paymentIntentId: expect.any(String), amountMinor: 12_000, key: autopayIdempotencyKey(inv.id, 1) }]);
    expect(autopayIdempotencyKey(inv.id, 1)).toBe(`autopay-invoice-${inv.id}`);
    expect(await getInvoice(admin, { invoiceId: inv.id })).toMatchObject({ status: 'paid', paidMinor: 12_000 });
    expect(await paymentsOf(inv.id)).toEqual([expect.objectContaining({ method: 'card', gatewayRef: mem.charged[0]!.paymentIntentId, cardBrand: 'visa', cardLast4: '4242' })]);
    expect(await attempts(inv.id)).toEqual([expect.objectContaining({ attemptNo: 1, status: 'succeeded', gatewayPaymentIntentId: mem.charged[0]!.paymentIntentId, nextAttemptAt: null })]);

    clock.advance(DAY);
    await runRecurringBilling(base, resolve);
    await runDueAutopay(sys, resolve);
    expect(mem.calls).toHaveLength(1);
  });

  it('sends each attempt once when runs race for them', async () => {
    await saveCard();
    for (const scope of ['Backup', 'Licences', 'Monitoring']) {
      await createRecurring(admin, { companyId: acme, scope, frequency: 'monthly', amountMinor: 5_000, nextBillDate: isoDay(clock.now()), autoPay: true });
    }
    // Issue only, then three runs at once: each attempt is claimed (and sent) by one of them.
    expect((await issueDueRecurringInvoices(sys, scheduleAutopayOnIssue)).issued).toBe(3);
    const runs = await Promise.all([runDueAutopay(sys, resolve), runDueAutopay(sys, resolve), runDueAutopay(sys, resolve)]);
    expect(runs.reduce((n, r) => n + r.charged, 0)).toBe(3);
    expect(mem.calls).toHaveLength(3);
    expect(new Set(mem.calls.map((c) => c.idempotencyKey)).size).toBe(3);
    expect(mem.charged).toHaveLength(3);
  });

  it('issues no attempt while the provider has no card payments', async () => {
    (await base.db.update(paymentGateways).set({ enabled: false }));
    const { inv } = await issueWithAutopay();
    expect(await attempts(inv.id)).toEqual([]);
    expect(mem.calls).toEqual([]);
  });
});

describe('crashes and lost answers never charge twice', () => {
  it('resends a charge whose answer was lost with the same key, an hour later, and applies it once', async () => {
    await saveCard();
    mem.next('lose-answer');
    const { inv, run } = await issueWithAutopay();
    expect(run.autopay).toMatchObject({ charged: 0, unanswered: 1 });
    expect(mem.charged).toHaveLength(1); // the money moved, we just did not hear
    expect(await paymentsOf(inv.id)).toEqual([]);
    expect((await attempts(inv.id))[0]).toMatchObject({ status: 'pending' });

    await runDueAutopay(sys, resolve); // not due yet
    expect(mem.calls).toHaveLength(1);
    clock.advance(HOUR);
    expect(await runDueAutopay(sys, resolve)).toMatchObject({ charged: 1 });
    expect(mem.calls.map((c) => c.idempotencyKey)).toEqual([`autopay-invoice-${inv.id}`, `autopay-invoice-${inv.id}`]);
    expect(mem.charged).toHaveLength(1);
    expect(await paymentsOf(inv.id)).toHaveLength(1);
    expect((await getInvoice(admin, { invoiceId: inv.id })).status).toBe('paid');
  });

  it('picks up an attempt whose run died mid-call once its lease ends, with the same request', async () => {
    await saveCard();
    mem.next('hang'); // charged, and the process "dies" before the answer
    await createRecurring(admin, { companyId: acme, scope: 'Licences', frequency: 'monthly', amountMinor: 7_500, nextBillDate: isoDay(clock.now()), autoPay: true });
    void runRecurringBilling(base, resolve);
    // The run reaches the gateway and hangs there.
    await expect.poll(() => mem.calls.length).toBe(1);
    const inv = (await base.db.select().from(invoices).where(eq(invoices.companyId, acme))).at(-1)!;
    const claimed = (await attempts(inv.id))[0]!;
    expect(claimed).toMatchObject({ status: 'pending', amountMinor: 7_500 });
    expect(claimed.savedCardId).not.toBeNull();

    await runDueAutopay(sys, resolve); // still leased
    expect(mem.calls).toHaveLength(1);
    clock.advance(AUTOPAY_LEASE_MS + 1);
    expect(await runDueAutopay(sys, resolve)).toMatchObject({ charged: 1 });
    expect(mem.calls).toHaveLength(2);
    expect(mem.calls[1]).toEqual(mem.calls[0]);
    expect(mem.charged).toHaveLength(1);
    expect(await paymentsOf(inv.id)).toHaveLength(1);
  });

  it('settles an attempt whose success was applied but not recorded, without a second payment', async () => {
    await saveCard();
    const { inv } = await issueWithAutopay();
    // As if the process died after the payment was applied and before the attempt was settled.
    (await base.db.update(autopayAttempts).set({ status: 'pending', gatewayPaymentIntentId: null, nextAttemptAt: clock.now() }).where(eq(autopayAttempts.invoiceId, inv.id)));
    expect(await runDueAutopay(sys, resolve)).toMatchObject({ charged: 1 });
    expect(mem.calls).toHaveLength(2);
    expect(mem.charged).toHaveLength(1);
    expect(await paymentsOf(inv.id)).toHaveLength(1);
    expect(await attempts(inv.id)).toEqual([expect.objectContaining({ status: 'succeeded', gatewayPaymentIntentId: mem.charged[0]!.paymentIntentId })]);
  });

  it('keeps resending a call with no answer with the same key, never a new one', async () => {
    await saveCard();
    mem.next('no-answer', 'no-answer');
    const { inv } = await issueWithAutopay();
    clock.advance(HOUR);
    await runDueAutopay(sys, resolve);
    clock.advance(HOUR);
    await runDueAutopay(sys, resolve);
    expect(mem.calls.map((c) => c.idempotencyKey)).toEqual(Array(3).fill(`autopay-invoice-${inv.id}`));
    expect(mem.charged).toHaveLength(1);
    expect((await getInvoice(admin, { invoiceId: inv.id })).status).toBe('paid');
  });

  it('gives up, with no retry under a new key, when the gateway stays silent for 23 hours', async () => {
    await saveCard();
    mem.next(...Array<'no-answer'>(30).fill('no-answer'));
    const { inv } = await issueWithAutopay();
    for (let h = 0; h < 24; h++) {
      clock.advance(HOUR);
      await runDueAutopay(sys, resolve);
    }
    expect(new Set(mem.calls.map((c) => c.idempotencyKey))).toEqual(new Set([`autopay-invoice-${inv.id}`]));
    expect(mem.calls).toHaveLength(24);
    expect(await attempts(inv.id)).toEqual([expect.objectContaining({ attemptNo: 1, status: 'abandoned', nextAttemptAt: null, failureMessage: expect.stringMatching(/did not answer/) })]);
    clock.advance(10 * DAY);
    await runDueAutopay(sys, resolve);
    expect(mem.calls).toHaveLength(24);
    expect(mem.charged).toEqual([]);
  });
});

describe('declines and retries', () => {
  it('marks the attempt failed, mails the billing contacts a Pay Now link, and retries after a day without double charge', async () => {
    await saveCard();
    mem.next('decline');
    const { inv, run } = await issueWithAutopay();
    expect(run.autopay).toMatchObject({ failed: 1, charged: 0 });
    const [first] = await attempts(inv.id);
    expect(first).toMatchObject({ status: 'failed', failureMessage: 'Your card was declined.' });
    expect(first!.nextAttemptAt!.getTime()).toBe(first!.createdAt.getTime() + DAY);

    const label = `INV-${inv.number}`;
    const mails = await mailsAbout(label);
    expect(mails.map((m) => m.toAddress)).toEqual(['billing@acme-dental.test']);
    expect(mails[0]!.subject).toBe(`Automatic payment failed for ${label}`);
    expect(mails[0]!.textBody).toContain(`${base.settings.publicUrl}/finance/invoices/${inv.id}`);
    expect(mails[0]!.textBody).toContain('Reason: Your card was declined.');
    expect(mails[0]!.textBody).toContain('visa ending 4242');
    expect((await paymentHistory(billing)).filter((r) => r.invoiceId === inv.id)).toEqual([
      expect.objectContaining({ kind: 'autopay_failed', status: 'failed', reason: 'Your card was declined.', amountMinor: 12_000, methodLabel: 'Visa •••• 4242 (auto-pay)' }),
    ]);

    clock.advance(DAY - 60_000);
    await runDueAutopay(sys, resolve);
    expect(mem.calls).toHaveLength(1);
    clock.advance(60_000);
    expect(await runDueAutopay(sys, resolve)).toMatchObject({ charged: 1 });
    expect(mem.calls.map((c) => c.idempotencyKey)).toEqual([`autopay-invoice-${inv.id}`, `autopay-invoice-${inv.id}-attempt-2`]);
    expect(mem.charged).toHaveLength(1);
    expect((await attempts(inv.id)).map((a) => [a.attemptNo, a.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect((await getInvoice(admin, { invoiceId: inv.id })).status).toBe('paid');
    expect((await paymentHistory(admin, { invoiceId: inv.id })).map((r) => [r.kind, r.status])).toEqual([
      ['payment', 'completed'],
      ['autopay_failed', 'failed'],
    ]);
    await runDueAutopay(sys, resolve);
    expect(mem.calls).toHaveLength(2);
  });

  it('stops retrying when the invoice was paid another way meanwhile', async () => {
    await saveCard();
    mem.next('decline');
    const { inv } = await issueWithAutopay(9_000);
    await recordPayment(admin, { invoiceId: inv.id, amountMinor: 9_000, method: 'bank_transfer' });
    clock.advance(2 * DAY);
    await runDueAutopay(sys, resolve);
    expect(mem.calls).toHaveLength(1);
    expect(await attempts(inv.id)).toEqual([expect.objectContaining({ attemptNo: 1, status: 'failed', nextAttemptAt: null })]);
  });

  it('charges only the balance left after a partial payment', async () => {
    await saveCard();
    mem.next('decline');
    const { inv } = await issueWithAutopay(10_000);
    await recordPayment(admin, { invoiceId: inv.id, amountMinor: 4_000, method: 'check' });
    clock.advance(DAY);
    await runDueAutopay(sys, resolve);
    expect(mem.charged).toEqual([expect.objectContaining({ amountMinor: 6_000 })]);
    expect(await getInvoice(admin, { invoiceId: inv.id })).toMatchObject({ status: 'paid', paidMinor: 10_000 });
  });

  it('retries on days 1, 3 and 7, then abandons, mailing each time', async () => {
    await saveCard();
    mem.next('decline', 'decline', 'decline', 'decline');
    const { inv } = await issueWithAutopay();
    const start = (await attempts(inv.id))[0]!.createdAt.getTime();
    const due = async () => (await attempts(inv.id)).map((a) => a.nextAttemptAt && (a.nextAttemptAt.getTime() - start) / DAY);
    expect(await due()).toEqual([1]);
    for (const day of [1, 3, 7]) {
      clock.set(new Date(start + day * DAY));
      await runDueAutopay(sys, resolve);
    }
    expect((await attempts(inv.id)).map((a) => [a.attemptNo, a.status, a.nextAttemptAt])).toEqual([
      [1, 'failed', null],
      [2, 'failed', null],
      [3, 'failed', null],
      [4, 'abandoned', null],
    ]);
    expect(new Set(mem.calls.map((c) => c.idempotencyKey)).size).toBe(4);
    expect(mem.charged).toEqual([]);
    const mails = await mailsAbout(`INV-${inv.number}`);
    expect(mails).toHaveLength(4);
    expect(mails[2]!.textBody).toContain('We will try again on');
    expect(mails[3]!.textBody).toContain('That was the last automatic try');

    clock.advance(30 * DAY);
    await runDueAutopay(sys, resolve);
    expect(mem.calls).toHaveLength(4);
    expect((await getInvoice(admin, { invoiceId: inv.id })).status).not.toBe('paid');
  });

  it('fails without calling the gateway when no card is saved, and retries once one is', async () => {
    const { inv } = await issueWithAutopay();
    expect(mem.calls).toEqual([]);
    expect((await attempts(inv.id))[0]).toMatchObject({ status: 'failed', failureMessage: 'There is no saved card to charge.' });
    expect(await mailsAbout(`INV-${inv.number}`)).toHaveLength(1);
    await saveCard();
    clock.advance(DAY);
    await runDueAutopay(sys, resolve);
    expect(mem.charged).toHaveLength(1);
    expect(
      (await base.db
        .select()
        .from(autopayAttempts)
        .where(and(eq(autopayAttempts.invoiceId, inv.id), eq(autopayAttempts.status, 'succeeded')))),
    ).toHaveLength(1);
  });

  it('leaves a processing charge to the gateway\'s webhook, which settles it once', async () => {
    await saveCard();
    mem.next('processing');
    const { inv } = await issueWithAutopay();
    const [pending] = await attempts(inv.id);
    expect(pending).toMatchObject({ status: 'pending', nextAttemptAt: null, gatewayPaymentIntentId: expect.stringMatching(/^pi_/) });
    clock.advance(2 * DAY);
    await runDueAutopay(sys, resolve);
    expect(mem.calls).toHaveLength(1);
    const event = { providerId, paymentIntentId: pending!.gatewayPaymentIntentId!, attemptId: pending!.id, outcome: 'succeeded' as const };
    expect(await handleAutopayIntent(sys, mem.gateway, { ...event, providerId: providerId + 1 })).toEqual({ handled: false });
    expect(await handleAutopayIntent(sys, mem.gateway, event)).toEqual({ handled: true });
    expect(await handleAutopayIntent(sys, mem.gateway, event)).toEqual({ handled: true });
    expect(await paymentsOf(inv.id)).toEqual([expect.objectContaining({ amountMinor: 12_000, cardLast4: '4242' })]);
    expect((await attempts(inv.id))[0]).toMatchObject({ status: 'succeeded' });
    expect(await handleAutopayIntent(sys, mem.gateway, { ...event, paymentIntentId: 'pi_other', attemptId: null })).toEqual({ handled: false });
  });

  it('is run by the scheduler only', async () => {
    await expect(runDueAutopay(billing, resolve)).rejects.toThrow(/scheduler/);
  });
});
