import { and, eq } from 'drizzle-orm';
import { quotes, type TQuote } from '../../db/schema/finance';
import { contacts } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireContact, requireFinanceAccess, requireStaff } from '../core/permissions';
import { unitOfWork, type TEmit } from '../core/unit-of-work';
import { loadCompanyForStaff, loadQuote, providerOf } from './access';
import { replaceLines, takeNumber } from './lines';
import { isoDay, quoteDisplayStatus, quoteLabel } from './money';
import { getQuote } from './quotes';
import { ZCreateQuoteInput, ZDecideQuoteInput, ZQuoteId, ZUpdateQuoteInput, type TCreateQuoteInput, type TDecideQuoteInput, type TUpdateQuoteInput } from './schemas';
import { emitFinance } from './topics';

const emitQuote = (emit: TEmit, q: TQuote) =>
  emitFinance(emit, q, 'quote.changed', { quoteId: q.id, number: quoteLabel(q.number), status: q.status }, q.status !== 'draft');

/** Staff draft a quote for a company of their provider. */
export async function createQuote(ctx: ServiceContext, input: TCreateQuoteInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZCreateQuoteInput.parse(input);
  const id = await unitOfWork(ctx, async (tx, emit) => {
    const company = await loadCompanyForStaff(tx, scope, data.companyId);
    const now = ctx.clock.now();
    const row = (await tx
      .insert(quotes)
      .values({
        providerId: scope.providerId,
        companyId: company.id,
        number: await takeNumber(tx, scope.providerId, 'quote'),
        currency: (await providerOf(tx, scope.providerId)).currency,
        title: data.title,
        issueDate: data.issueDate,
        expiryDate: data.expiryDate,
        notes: data.notes || null,
        createdAt: now,
        updatedAt: now,
      })
      .returning())[0]!;
    const totals = await replaceLines(tx, { quoteId: row.id }, data.lines);
    emitQuote(emit, (await tx.update(quotes).set(totals).where(eq(quotes.id, row.id)).returning())[0]!);
    return row.id;
  });
  return await getQuote(ctx, { quoteId: id });
}

/** Staff edit a quote still in draft. */
export async function updateQuote(ctx: ServiceContext, input: TUpdateQuoteInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZUpdateQuoteInput.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    const q = await loadQuote(tx, scope, data.quoteId);
    if (q.status !== 'draft') throw new AppError('CONFLICT', `${quoteLabel(q.number)} was sent; only drafts can be edited.`);
    const totals = await replaceLines(tx, { quoteId: q.id }, data.lines);
    const row = (await tx
      .update(quotes)
      .set({ ...totals, title: data.title, issueDate: data.issueDate, expiryDate: data.expiryDate, notes: data.notes || null, updatedAt: ctx.clock.now() })
      .where(eq(quotes.id, q.id))
      .returning())[0]!;
    emitQuote(emit, row);
  });
  return await getQuote(ctx, { quoteId: data.quoteId });
}

/** Staff send a draft: the client can now Accept or Decline it until it expires. */
export async function sendQuote(ctx: ServiceContext, input: unknown) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const { quoteId } = ZQuoteId.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    const q = await loadQuote(tx, scope, quoteId);
    if (q.status !== 'draft') throw new AppError('CONFLICT', `${quoteLabel(q.number)} was already sent.`);
    if (q.totalMinor <= 0) throw new AppError('BAD_INPUT', 'Add line items totalling more than 0 before sending.', { field: 'lines' });
    if (q.expiryDate < isoDay(ctx.clock.now())) throw new AppError('BAD_INPUT', 'The expiry date has passed; set a later one first.', { field: 'expiryDate' });
    emitQuote(emit, (await tx.update(quotes).set({ status: 'sent', updatedAt: ctx.clock.now() }).where(eq(quotes.id, q.id)).returning())[0]!);
  });
  return await getQuote(ctx, { quoteId });
}

/**
 * A Billing or Primary contact accepts or declines a sent quote, once, on or before its
 * expiry date; who, when and the comment are kept, and staff see it at once.
 */
export async function decideQuote(ctx: ServiceContext, input: TDecideQuoteInput) {
  const contact = requireContact(ctx.actor);
  const scope = requireFinanceAccess(contact);
  const data = ZDecideQuoteInput.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    const q = await loadQuote(tx, scope, data.quoteId);
    const status = quoteDisplayStatus(q, isoDay(ctx.clock.now()));
    if (status === 'expired') throw new AppError('CONFLICT', `${quoteLabel(q.number)} expired on ${q.expiryDate}. Ask us for a new quote.`);
    if (status !== 'sent') throw new AppError('CONFLICT', `${quoteLabel(q.number)} was already ${status}.`);
    const now = ctx.clock.now();
    // The status condition makes a double submit (two tabs) decide once.
    const row = (await tx
      .update(quotes)
      .set({ status: data.decision === 'accept' ? 'accepted' : 'declined', decidedByContactId: contact.contactId, decidedAt: now, decisionComment: data.comment || null, updatedAt: now })
      .where(and(eq(quotes.id, q.id), eq(quotes.status, 'sent')))
      .returning())[0]!;
    if (!row) throw new AppError('CONFLICT', `${quoteLabel(q.number)} was already decided.`);
    const by = (await tx.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, contact.contactId)))[0]?.name ?? contact.name;
    emitFinance(emit, row, 'quote.decided', { quoteId: row.id, number: quoteLabel(row.number), status: row.status, by }, true);
  });
  return await getQuote(ctx, { quoteId: data.quoteId });
}
