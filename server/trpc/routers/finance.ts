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
  summary: authedProcedure.input(ZCompanyFilter).query(async ({ ctx, input }) => await financeSummary(ctx.svc, input)),
  invoices: authedProcedure.input(ZListInvoicesInput).query(async ({ ctx, input }) => await listInvoices(ctx.svc, input)),
  invoice: authedProcedure.input(ZInvoiceId).query(async ({ ctx, input }) => await getInvoice(ctx.svc, input)),
  quotes: authedProcedure.input(ZCompanyFilter).query(async ({ ctx, input }) => await listQuotes(ctx.svc, input)),
  quote: authedProcedure.input(ZQuoteId).query(async ({ ctx, input }) => await getQuote(ctx.svc, input)),
  decideQuote: authedProcedure.input(ZDecideQuoteInput).mutation(async ({ ctx, input }) => await decideQuote(ctx.svc, input)),
  recurring: authedProcedure.input(ZCompanyFilter).query(async ({ ctx, input }) => await listRecurring(ctx.svc, input)),
  payments: authedProcedure.input(ZCompanyFilter).query(async ({ ctx, input }) => await listPayments(ctx.svc, input)),

  /** Staff (Billing console). */
  companies: staffProcedure.query(async ({ ctx }) => await listBillingCompanies(ctx.svc)),
  createInvoice: staffProcedure.input(ZCreateInvoiceInput).mutation(async ({ ctx, input }) => await createInvoice(ctx.svc, input)),
  updateInvoice: staffProcedure.input(ZUpdateInvoiceInput).mutation(async ({ ctx, input }) => await updateInvoice(ctx.svc, input)),
  issueInvoice: staffProcedure.input(ZInvoiceId).mutation(async ({ ctx, input }) => await issueInvoice(ctx.svc, input)),
  voidInvoice: staffProcedure.input(ZInvoiceId).mutation(async ({ ctx, input }) => await voidInvoice(ctx.svc, input)),
  recordPayment: staffProcedure.input(ZRecordPaymentInput).mutation(async ({ ctx, input }) => await recordPayment(ctx.svc, input)),
  createQuote: staffProcedure.input(ZCreateQuoteInput).mutation(async ({ ctx, input }) => await createQuote(ctx.svc, input)),
  updateQuote: staffProcedure.input(ZUpdateQuoteInput).mutation(async ({ ctx, input }) => await updateQuote(ctx.svc, input)),
  sendQuote: staffProcedure.input(ZQuoteId).mutation(async ({ ctx, input }) => await sendQuote(ctx.svc, input)),
  createRecurring: staffProcedure.input(ZCreateRecurringInput).mutation(async ({ ctx, input }) => await createRecurring(ctx.svc, input)),
  updateRecurring: staffProcedure.input(ZUpdateRecurringInput).mutation(async ({ ctx, input }) => await updateRecurring(ctx.svc, input)),
  setRecurringActive: staffProcedure.input(ZSetRecurringActiveInput).mutation(async ({ ctx, input }) => await setRecurringActive(ctx.svc, input)),

  /** Any finance change the caller may know of (ids and status only; pages refetch), resumable. */
  onChange: authedProcedure.input(ZResume).subscription(async function* ({ ctx, input, signal }) {
    const events = followFinance(ctx.svc, { lastEventId: input.lastEventId, signal, stopTopic: sessionTopic(ctx.session.id) });
    for await (const e of events) yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
  }),
});
