import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { LoadError, onFinanceChange } from '../finance/finance-kit';
import { InvoiceView } from '../finance/invoice-view';
import { InvoiceForm } from './invoice-form';
import { RecordPayment } from './record-payment';
import { CardRefunds } from './refund-payment';

/** Staff: a new or draft invoice in the editor; an issued one with "Record payment" and "Void". */
export default function StaffInvoicePage() {
  const params = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const isNew = () => params.id === 'new';
  const [companies] = createResource(() => trpc.finance.companies.query());
  const [summary] = createResource(() => trpc.finance.summary.query({}));
  const [invoice, { refetch, mutate }] = createResource(() => (isNew() ? null : Number(params.id)), (invoiceId) => trpc.finance.invoice.query({ invoiceId }));
  onFinanceChange(() => void (isNew() || refetch()));
  const [voidError, setVoidError] = createSignal('');
  const [voiding, setVoiding] = createSignal(false);

  const voidIt = async (id: number) => {
    if (!confirm('Void this invoice? The client will no longer see it.')) return;
    setVoiding(true);
    setVoidError('');
    try {
      mutate(await trpc.finance.voidInvoice.mutate({ invoiceId: id }));
    } catch (err) {
      setVoidError(errorMessage(err));
    } finally {
      setVoiding(false);
    }
  };

  return (
    <>
      <p><A href="/staff/finance">← Billing</A></p>
      <Show when={isNew()}>
        <h1>New invoice</h1>
        <Show when={summary()} fallback={<p>Loading…</p>}>
          <InvoiceForm
            currency={summary()!.currency}
            companyId={typeof search.company === 'string' ? search.company : undefined}
            companies={companies}
            onSaved={(inv) => navigate(`/staff/finance/invoices/${inv.id}`, { replace: true })}
          />
        </Show>
      </Show>
      <Show when={!isNew() && invoice()} fallback={invoice.error ? <LoadError error={invoice.error} /> : null}>
        {(inv) => (
          <article aria-labelledby="invoice-title">
            <div class="page-head">
              <h1 id="invoice-title">Invoice {inv().number}</h1>
              <div class="actions">
                <Show when={inv().storedStatus !== 'draft'}>
                  <a class="button" href={`/invoices/${inv().id}.pdf`} download={`${inv().number}.pdf`}>Download PDF</a>
                </Show>
                <Show when={inv().storedStatus !== 'void' && inv().paidMinor === 0}>
                  <button type="button" disabled={voiding()} onClick={() => voidIt(inv().id)}>{voiding() ? 'Voiding…' : 'Void invoice'}</button>
                </Show>
              </div>
            </div>
            <Show when={voidError()}><p class="error" role="alert">{voidError()}</p></Show>
            <Show
              when={inv().storedStatus === 'draft'}
              fallback={
                <>
                  <Show when={inv().storedStatus === 'sent' || inv().storedStatus === 'partial'}>
                    <RecordPayment invoice={inv()} onSaved={() => void refetch()} />
                  </Show>
                  <CardRefunds invoice={inv()} onDone={() => void refetch()} />
                  <InvoiceView invoice={inv()} />
                </>
              }
            >
              <p class="muted">A draft: only staff see it until it is issued.</p>
              <InvoiceForm initial={inv()} currency={inv().currency} companies={companies} onSaved={(saved) => mutate(saved)} />
            </Show>
          </article>
        )}
      </Show>
    </>
  );
}
