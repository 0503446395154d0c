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
export function createQuote(ctx: ServiceContext, input: TCreateQuoteInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZCreateQuoteInput.parse(input);
  const id = unitOfWork(ctx, (tx, emit) => {
    const company = loadCompanyForStaff(tx, scope, data.companyId);
    const now = ctx.clock.now();
    const row = tx
      .insert(quotes)
      .values({
        providerId: scope.providerId,
        companyId: company.id,
        number: takeNumber(tx, scope.providerId, 'quote'),
        currency: providerOf(tx, scope.providerId).currency,
        title: data.title,
        issueDate: data.issueDate,
        expiryDate: data.expiryDate,
        notes: data.notes || null,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const totals = replaceLines(tx, { quoteId: row.id }, data.lines);
    emitQuote(emit, tx.update(quotes).set(totals).where(eq(quotes.id, row.id)).returning().get());
    return row.id;
  });
  return getQuote(ctx, { quoteId: id });
}

/** Staff edit a quote still in draft. */
export function updateQuote(ctx: ServiceContext, input: TUpdateQuoteInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZUpdateQuoteInput.parse(input);
  unitOfWork(ctx, (tx, emit) => {
    const q = loadQuote(tx, scope, data.quoteId);
    if (q.status !== 'draft') throw new AppError('CONFLICT', `${quoteLabel(q.number)} was sent; only drafts can be edited.`);
    const totals = replaceLines(tx, { quoteId: q.id }, data.lines);
    const row = tx
      .update(quotes)
      .set({ ...totals, title: data.title, issueDate: data.issueDate, expiryDate: data.expiryDate, notes: data.notes || null, updatedAt: ctx.clock.now() })
      .where(eq(quotes.id, q.id))
      .returning()
      .get();
    emitQuote(emit, row);
  });
  return getQuote(ctx, { quoteId: data.quoteId });
}

/** Staff send a draft: the client can now Accept or Decline it until it expires. */
export function sendQuote(ctx: ServiceContext, input: unknown) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const { quoteId } = ZQuoteId.parse(input);
  unitOfWork(ctx, (tx, emit) => {
    const q = loadQuote(tx, scope, quoteId);
    if (q.status !== 'draft') throw new AppError('CONFLICT', `${quoteLabel(q.number)} was already sent.`);
    if (q.totalMinor <= 0) throw new AppError('BAD_INPUT', 'Add line items totalling more than 0 before sending.', { field: 'lines' });
    if (q.expiryDate < isoDay(ctx.clock.now())) throw new AppError('BAD_INPUT', 'The expiry date has passed; set a later one first.', { field: 'expiryDate' });
    emitQuote(emit, tx.update(quotes).set({ status: 'sent', updatedAt: ctx.clock.now() }).where(eq(quotes.id, q.id)).returning().get());
  });
  return getQuote(ctx, { quoteId });
}

/**
 * A Billing or Primary contact accepts or declines a sent quote, once, on or before its
 * expiry date; who, when and the comment are kept, and staff see it at once.
 */
export function decideQuote(ctx: ServiceContext, input: TDecideQuoteInput) {
  const contact = requireContact(ctx.actor);
  const scope = requireFinanceAccess(contact);
  const data = ZDecideQuoteInput.parse(input);
  unitOfWork(ctx, (tx, emit) => {
    const q = loadQuote(tx, scope, data.quoteId);
    const status = quoteDisplayStatus(q, isoDay(ctx.clock.now()));
    if (status === 'expired') throw new AppError('CONFLICT', `${quoteLabel(q.number)} expired on ${q.expiryDate}. Ask us for a new quote.`);
    if (status !== 'sent') throw new AppError('CONFLICT', `${quoteLabel(q.number)} was already ${status}.`);
    const now = ctx.clock.now();
    // The status condition makes a double submit (two tabs) decide once.
    const row = tx
      .update(quotes)
      .set({ status: data.decision === 'accept' ? 'accepted' : 'declined', decidedByContactId: contact.contactId, decidedAt: now, decisionComment: data.comment || null, updatedAt: now })
      .where(and(eq(quotes.id, q.id), eq(quotes.status, 'sent')))
      .returning()
      .get();
    if (!row) throw new AppError('CONFLICT', `${quoteLabel(q.number)} was already decided.`);
    const by = tx.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, contact.contactId)).get()?.name ?? contact.name;
    emitFinance(emit, row, 'quote.decided', { quoteId: row.id, number: quoteLabel(row.number), status: row.status, by }, true);
  });
  return getQuote(ctx, { quoteId: data.quoteId });
}
