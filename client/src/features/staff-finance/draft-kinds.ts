import { trpc } from '../../lib/trpc';
import type { TInvoice } from '../finance/invoice-view';
import type { TQuote } from '../finance/quote-view';
import type { TDraftKind } from './draft-editor';
import { localDay } from './staff-kit';

/** An invoice's editor: due date and payment terms; "Save and issue" sends it to the client. */
export const INVOICE_DRAFT: TDraftKind<TInvoice> = {
  noun: 'invoice',
  path: 'invoices',
  idPrefix: 'inv',
  fields: [
    { name: 'issueDate', id: 'inv-issue', label: 'Issue date', date: true, required: true, initial: (d) => d?.issueDate ?? localDay() },
    { name: 'dueDate', id: 'inv-due', label: 'Due date', date: true, required: true, initial: (d) => d?.dueDate ?? localDay(30) },
    { name: 'paymentTerms', id: 'inv-terms', label: 'Payment terms', maxLength: 200, initial: (d) => d?.paymentTerms ?? 'Net 30 days' },
  ],
  save: ({ value, lines, draft, companyId }) => {
    const fields = { issueDate: value('issueDate'), dueDate: value('dueDate'), paymentTerms: value('paymentTerms'), notes: value('notes'), lines };
    return draft ? trpc.finance.updateInvoice.mutate({ invoiceId: draft.id, ...fields }) : trpc.finance.createInvoice.mutate({ companyId, ...fields });
  },
  release: { intent: 'issue', label: 'Save and issue', busyLabel: 'Issuing…', run: (saved) => trpc.finance.issueInvoice.mutate({ invoiceId: saved.id }) },
  draftNote: 'A draft: only staff see it until it is issued.',
};

/** A quote's editor: title and validity; "Save and send" lets the client Accept or Decline it. */
export const QUOTE_DRAFT: TDraftKind<TQuote> = {
  noun: 'quote',
  path: 'quotes',
  idPrefix: 'quote',
  fields: [
    { name: 'title', id: 'quote-title-input', label: 'Title', required: true, maxLength: 200, initial: (d) => d?.title ?? '' },
    { name: 'issueDate', id: 'quote-issue', label: 'Issue date', date: true, required: true, initial: (d) => d?.issueDate ?? localDay() },
    { name: 'expiryDate', id: 'quote-expiry', label: 'Valid until', date: true, required: true, initial: (d) => d?.expiryDate ?? localDay(30) },
  ],
  save: ({ value, lines, draft, companyId }) => {
    const fields = { title: value('title'), issueDate: value('issueDate'), expiryDate: value('expiryDate'), notes: value('notes'), lines };
    return draft ? trpc.finance.updateQuote.mutate({ quoteId: draft.id, ...fields }) : trpc.finance.createQuote.mutate({ companyId, ...fields });
  },
  release: { intent: 'send', label: 'Save and send', busyLabel: 'Sending…', run: (saved) => trpc.finance.sendQuote.mutate({ quoteId: saved.id }) },
  draftNote: 'A draft: only staff see it until it is sent.',
};
