import { tracked } from '@trpc/server';
import { z } from 'zod';
import { sessionTopic } from '../../auth/topics';
import { followFinance } from '../../finance/finance-stream';
import { createInvoice, issueInvoice, updateInvoice, voidInvoice } from '../../finance/invoice-edits';
import { getInvoice, listInvoices } from '../../finance/invoices';
import { listPayments, recordPayment } from '../../finance/payments';
import { createQuote, decideQuote, sendQuote, updateQuote } from '../../finance/quote-edits';
import { getQuote, listQuotes } from '../../finance/quotes';
import { createRecurring, listRecurring, setRecurringActive, updateRecurring } from '../../finance/recurring';
import {
  ZCompanyFilter,
  ZCreateInvoiceInput,
  ZCreateQuoteInput,
  ZCreateRecurringInput,
  ZDecideQuoteInput,
  ZInvoiceId,
  ZListInvoicesInput,
  ZQuoteId,
  ZRecordPaymentInput,
  ZSetRecurringActiveInput,
  ZUpdateInvoiceInput,
  ZUpdateQuoteInput,
  ZUpdateRecurringInput,
} from '../../finance/schemas';
import { financeSummary, listBillingCompanies } from '../../finance/summary';
import { authedProcedure, router, staffProcedure } from '../procedures';

/*
 * Finance (seed 004 §12–§17). The services decide who may see what (Billing/Primary
 * contacts: their company; staff: their provider); the procedures only validate and pass on.
 */
const ZResume = z.object({ lastEventId: z.coerce.number().int().nonnegative().nullish() });

export const financeRouter = router({
  summary: authedProcedure.input(ZCompanyFilter).query(({ ctx, input }) => financeSummary(ctx.svc, input)),
  invoices: authedProcedure.input(ZListInvoicesInput).query(({ ctx, input }) => listInvoices(ctx.svc, input)),
  invoice: authedProcedure.input(ZInvoiceId).query(({ ctx, input }) => getInvoice(ctx.svc, input)),
  quotes: authedProcedure.input(ZCompanyFilter).query(({ ctx, input }) => listQuotes(ctx.svc, input)),
  quote: authedProcedure.input(ZQuoteId).query(({ ctx, input }) => getQuote(ctx.svc, input)),
  decideQuote: authedProcedure.input(ZDecideQuoteInput).mutation(({ ctx, input }) => decideQuote(ctx.svc, input)),
  recurring: authedProcedure.input(ZCompanyFilter).query(({ ctx, input }) => listRecurring(ctx.svc, input)),
  payments: authedProcedure.input(ZCompanyFilter).query(({ ctx, input }) => listPayments(ctx.svc, input)),

  /** Staff (Billing console). */
  companies: staffProcedure.query(({ ctx }) => listBillingCompanies(ctx.svc)),
  createInvoice: staffProcedure.input(ZCreateInvoiceInput).mutation(({ ctx, input }) => createInvoice(ctx.svc, input)),
  updateInvoice: staffProcedure.input(ZUpdateInvoiceInput).mutation(({ ctx, input }) => updateInvoice(ctx.svc, input)),
  issueInvoice: staffProcedure.input(ZInvoiceId).mutation(({ ctx, input }) => issueInvoice(ctx.svc, input)),
  voidInvoice: staffProcedure.input(ZInvoiceId).mutation(({ ctx, input }) => voidInvoice(ctx.svc, input)),
  recordPayment: staffProcedure.input(ZRecordPaymentInput).mutation(({ ctx, input }) => recordPayment(ctx.svc, input)),
  createQuote: staffProcedure.input(ZCreateQuoteInput).mutation(({ ctx, input }) => createQuote(ctx.svc, input)),
  updateQuote: staffProcedure.input(ZUpdateQuoteInput).mutation(({ ctx, input }) => updateQuote(ctx.svc, input)),
  sendQuote: staffProcedure.input(ZQuoteId).mutation(({ ctx, input }) => sendQuote(ctx.svc, input)),
  createRecurring: staffProcedure.input(ZCreateRecurringInput).mutation(({ ctx, input }) => createRecurring(ctx.svc, input)),
  updateRecurring: staffProcedure.input(ZUpdateRecurringInput).mutation(({ ctx, input }) => updateRecurring(ctx.svc, input)),
  setRecurringActive: staffProcedure.input(ZSetRecurringActiveInput).mutation(({ ctx, input }) => setRecurringActive(ctx.svc, input)),

  /** Any finance change the caller may know of (ids and status only; pages refetch), resumable. */
  onChange: authedProcedure.input(ZResume).subscription(async function* ({ ctx, input, signal }) {
    const events = followFinance(ctx.svc, { lastEventId: input.lastEventId, signal, stopTopic: sessionTopic(ctx.session.id) });
    for await (const e of events) yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
  }),
});
