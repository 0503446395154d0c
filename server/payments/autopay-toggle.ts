import { and, asc, eq } from 'drizzle-orm';
import { recurringInvoices } from '../../db/schema/finance';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { companyName, loadRecurring } from '../finance/access';
import { recurringView } from '../finance/recurring';
import { emitFinance } from '../finance/topics';
import { ZSetAutoPayInput } from './autopay-schemas';
import { cardPaymentOptions } from './gateway-config';
import { activeCards, defaultCard, savedCardView } from './saved-cards';

/*
 * The Auto Pay switch per recurring invoice (seed 004 §15–§16). Billing and Primary contacts
 * turn it on for their subscriptions once a card is saved; staff may set it too (it is also
 * a field of the recurring invoice on the staff side).
 */

/**
 * Turns auto-pay on or off for one recurring invoice. A contact may turn it on only with card
 * payments available and a default saved card; turning it off is always allowed.
 */
export async function setAutoPay(ctx: ServiceContext, input: unknown) {
  const scope = requireFinanceAccess(ctx.actor);
  const { recurringId, autoPay } = ZSetAutoPayInput.parse(input);
  const now = ctx.clock.now();
  return await unitOfWork(ctx, async (tx, emit) => {
    const before = await loadRecurring(tx, scope, recurringId);
    if (scope.contact && autoPay && !before.autoPay) {
      if (!(await cardPaymentOptions(ctx.db, scope.providerId)).enabled) throw new AppError('CONFLICT', 'Card payments are not available, so auto-pay cannot be turned on.');
      if (!await defaultCard(tx, before.companyId)) throw new AppError('BAD_INPUT', 'Save a card first: auto-pay charges your default saved card.', { field: 'autoPay' });
    }
    if (before.autoPay === autoPay) return recurringView(before, await companyName(tx, before.companyId));
    const row = (await tx.update(recurringInvoices).set({ autoPay, updatedAt: now }).where(eq(recurringInvoices.id, before.id)).returning())[0]!;
    const actor = scope.contact ?? scope.staff!;
    await recordAudit(tx, now, {
      kind: 'autopay_changed',
      providerId: scope.providerId,
      ...(scope.contact ? { userId: actor.userId } : { actorUserId: actor.userId }),
      detail: { companyId: row.companyId, recurringId: row.id, scope: row.scope, autoPay },
    });
    emitFinance(emit, row, 'recurring.changed', { recurringId: row.id, active: row.active, autoPay }, row.active);
    return recurringView(row, await companyName(tx, row.companyId));
  });
}

/**
 * What the Auto Payment page shows: whether card payments are on, whether this caller may
 * change anything, the saved cards and the active recurring invoices with their switch.
 */
export async function autopayOverview(ctx: ServiceContext) {
  const scope = requireFinanceAccess(ctx.actor);
  const available = (await cardPaymentOptions(ctx.db, scope.providerId)).enabled;
  if (!scope.contact) return { available, canManage: false, cards: [], recurring: [] };
  const companyId = scope.contact.companyId;
  const now = ctx.clock.now();
  const recurring = (await ctx.db
    .select()
    .from(recurringInvoices)
    .where(and(eq(recurringInvoices.companyId, companyId), eq(recurringInvoices.active, true)))
    .orderBy(asc(recurringInvoices.nextBillDate), asc(recurringInvoices.id)))
    .map((r) => recurringView(r));
  return {
    available,
    canManage: true,
    cards: (await activeCards(ctx.db, companyId)).map((c) => savedCardView(c, now)),
    recurring,
  };
}
