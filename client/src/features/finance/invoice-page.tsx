import { A, useParams, useSearchParams } from '@solidjs/router';
import { createResource, Match, Show, Switch } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { recordId, RecordView } from '../../ui/record-state';
import { onFinanceChange } from './finance-kit';
import { InvoiceView } from './invoice-view';
import { HowToPay } from './how-to-pay';
import { PayNow } from './pay-now';

/**
 * One invoice for the client, with "Download PDF" (seed 004 §13) and "Pay Now" when card
 * payments are on (§14); follows payments live, so it turns Paid when the gateway confirms.
 */
export default function InvoicePage() {
  const params = useParams();
  const [search] = useSearchParams();
  const id = () => recordId(params.id);
  const [invoice, { refetch }] = createResource(id, (invoiceId) => trpc.finance.invoice.query({ invoiceId }));
  const [payOptions, { refetch: refetchPayOptions }] = createResource(id, (invoiceId) => trpc.payments.payOptions.query({ invoiceId }));
  onFinanceChange(() => {
    void refetch();
    void refetchPayOptions();
  });
  const returned = () => (search.payment === 'success' || search.payment === 'cancelled' ? search.payment : null);
  return (
    <>
      <p><A href="/finance">← Invoices</A></p>
      <RecordView record={invoice} validId={id() !== null} noun="Invoice" back={{ href: '/finance', label: '← Invoices' }}>
        {(inv) => (
          <article aria-labelledby="invoice-title">
            <div class="page-head">
              <h1 id="invoice-title">Invoice {inv().number}</h1>
              {/* A plain link: the server sends the PDF as an attachment named after the invoice. */}
              <a class="button primary" href={`/invoices/${inv().id}.pdf`} download={`${inv().number}.pdf`}>Download PDF</a>
            </div>
            <Switch>
              <Match when={returned() === 'success'}>
                <p class="notice success" role="status">
                  <Show when={inv().status === 'paid'} fallback="Payment received — the invoice updates when the payment is confirmed. A receipt is on its way by email.">
                    Payment received and confirmed. Thank you! A receipt is on its way by email.
                  </Show>
                </p>
              </Match>
              <Match when={returned() === 'cancelled'}>
                <p class="notice" role="status">Payment cancelled. Nothing was charged.</p>
              </Match>
            </Switch>
            <Show when={!payOptions.error && payOptions()?.canPay && returned() !== 'success'}>
              <PayNow invoiceId={inv().id} options={payOptions()!} />
            </Show>
            <Show when={!payOptions.error && payOptions.state === 'ready' && returned() !== 'success' && payOptions()}>
              {(opts) => <HowToPay options={opts()} providerName={inv().providerName} />}
            </Show>
            <InvoiceView invoice={inv()} />
          </article>
        )}
      </RecordView>
    </>
  );
}
