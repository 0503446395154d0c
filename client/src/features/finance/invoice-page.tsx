import { A, useParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { LoadError, onFinanceChange } from './finance-kit';
import { InvoiceView } from './invoice-view';

/** One invoice for the client, with "Download PDF" (seed 004 §13); follows payments live. */
export default function InvoicePage() {
  const params = useParams();
  const [invoice, { refetch }] = createResource(() => Number(params.id), (invoiceId) => trpc.finance.invoice.query({ invoiceId }));
  onFinanceChange(() => void refetch());
  return (
    <>
      <p><A href="/finance">← Invoices</A></p>
      <Show when={invoice()} fallback={invoice.error ? <LoadError error={invoice.error} /> : <p>Loading…</p>}>
        {(inv) => (
          <article aria-labelledby="invoice-title">
            <div class="page-head">
              <h1 id="invoice-title">Invoice {inv().number}</h1>
              {/* A plain link: the server sends the PDF as an attachment named after the invoice. */}
              <a class="button primary" href={`/invoices/${inv().id}.pdf`} download={`${inv().number}.pdf`}>Download PDF</a>
            </div>
            <InvoiceView invoice={inv()} />
          </article>
        )}
      </Show>
    </>
  );
}
