import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { InvoiceView, type TInvoice } from '../finance/invoice-view';
import { INVOICE_DRAFT } from './draft-kinds';
import { RecordPayment } from './record-payment';
import { CardRefunds } from './refund-payment';
import { StaffDraftPage } from './staff-draft-page';

/** Staff: a new or draft invoice in the editor; an issued one with "Record payment" and "Void". */
export default function StaffInvoicePage() {
  const [voidError, setVoidError] = createSignal('');
  const [voiding, setVoiding] = createSignal(false);

  const voidIt = async (id: number, done: (inv: TInvoice) => void) => {
    if (!confirm('Void this invoice? The client will no longer see it.')) return;
    setVoiding(true);
    setVoidError('');
    try {
      done(await trpc.finance.voidInvoice.mutate({ invoiceId: id }));
    } catch (err) {
      setVoidError(errorMessage(err));
    } finally {
      setVoiding(false);
    }
  };

  return (
    <StaffDraftPage kind={INVOICE_DRAFT} back={<A href="/staff/finance">← Billing</A>} load={(invoiceId) => trpc.finance.invoice.query({ invoiceId })}>
      {(inv, { refetch, mutate, editor }) => (
        <article aria-labelledby="invoice-title">
          <div class="page-head">
            <h1 id="invoice-title">Invoice {inv().number}</h1>
            <div class="actions">
              <Show when={inv().storedStatus !== 'draft'}>
                <a class="button" href={`/invoices/${inv().id}.pdf`} download={`${inv().number}.pdf`}>Download PDF</a>
              </Show>
              <Show when={inv().storedStatus !== 'void' && inv().paidMinor === 0}>
                <button type="button" disabled={voiding()} onClick={() => voidIt(inv().id, mutate)}>{voiding() ? 'Voiding…' : 'Void invoice'}</button>
              </Show>
            </div>
          </div>
          <Show when={voidError()}><p class="error" role="alert">{voidError()}</p></Show>
          <Show
            when={inv().storedStatus === 'draft'}
            fallback={
              <>
                <Show when={inv().storedStatus === 'sent' || inv().storedStatus === 'partial'}>
                  <RecordPayment invoice={inv()} onSaved={refetch} />
                </Show>
                <CardRefunds invoice={inv()} onDone={refetch} />
                <InvoiceView invoice={inv()} />
              </>
            }
          >
            {editor()}
          </Show>
        </article>
      )}
    </StaffDraftPage>
  );
}
