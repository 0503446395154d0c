import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { quoteLines, quotes, type TQuote } from '../../db/schema/finance';
import { companies, contacts } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess } from '../core/permissions';
import { companyName, inScope, loadQuote } from './access';
import { isoDay, quoteDisplayStatus, quoteLabel } from './money';
import { ZCompanyFilter, ZQuoteId } from './schemas';

export function quoteSummary(q: TQuote, today: string, company = '') {
  const status = quoteDisplayStatus(q, today);
  return {
    id: q.id,
    number: quoteLabel(q.number),
    title: q.title,
    companyId: q.companyId,
    companyName: company,
    issueDate: q.issueDate,
    expiryDate: q.expiryDate,
    currency: q.currency,
    totalMinor: q.totalMinor,
    status,
    /** Whether the client may still Accept or Decline. */
    awaitingDecision: status === 'sent',
  };
}

/** Quotes, newest first; clients never see drafts. */
export async function listQuotes(ctx: ServiceContext, input?: unknown) {
  const scope = requireFinanceAccess(ctx.actor);
  const filter = ZCompanyFilter.parse(input) ?? {};
  const today = isoDay(ctx.clock.now());
  return (await ctx.db
    .select({ q: quotes, company: companies.name })
    .from(quotes)
    .innerJoin(companies, eq(companies.id, quotes.companyId))
    .where(and(inScope(scope, quotes, filter.companyId), scope.contact ? ne(quotes.status, 'draft') : undefined))
    .orderBy(desc(quotes.issueDate), desc(quotes.number))
    .limit(500))
    .map((r) => quoteSummary(r.q, today, r.company));
}

/** One quote with its lines and, once decided, who decided, when and their comment. */
export async function getQuote(ctx: ServiceContext, input: unknown) {
  const scope = requireFinanceAccess(ctx.actor);
  const { quoteId } = ZQuoteId.parse(input);
  const q = await loadQuote(ctx.db, scope, quoteId);
  const lines = (await ctx.db.select().from(quoteLines).where(eq(quoteLines.quoteId, q.id)).orderBy(asc(quoteLines.position)));
  const decidedBy = q.decidedByContactId
    ? ((await ctx.db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, q.decidedByContactId)))[0]?.name ?? null)
    : null;
  return {
    ...quoteSummary(q, isoDay(ctx.clock.now()), await companyName(ctx.db, q.companyId)),
    storedStatus: q.status,
    notes: q.notes,
    subtotalMinor: q.subtotalMinor,
    taxMinor: q.taxMinor,
    lines: lines.map((l) => ({
      id: l.id,
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceMinor: l.unitPriceMinor,
      taxRateBp: l.taxRateBp,
      lineTotalMinor: l.lineTotalMinor,
    })),
    decision: q.decidedAt ? { by: decidedBy, at: q.decidedAt.getTime(), comment: q.decisionComment } : null,
  };
}
export type TQuoteDetail = Awaited<ReturnType<typeof getQuote>>;
