import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { me } from '../../lib/session';
import { trpc } from '../../lib/trpc';
import AutoPaymentPanel from './autopay-panel';
import { InvoiceList, PaymentList, QuoteList, RecurringList } from './finance-lists';
import { LoadError, money, onFinanceChange } from './finance-kit';

export const FINANCE_TABS = [
  { key: 'invoices', label: 'Invoices' },
  { key: 'quotes', label: 'Quotes' },
  { key: 'recurring', label: 'Recurring Invoices' },
  { key: 'payments', label: 'Payments' },
] as const;
type TTab = (typeof FINANCE_TABS)[number]['key'];
const STATUS_FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'unpaid', label: 'Unpaid' },
  { value: 'partial', label: 'Partial' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'paid', label: 'Paid' },
] as const;

/** Finance (seed 004 §12–§17) for Billing and Primary contacts; everyone else is told why not. */
export default function FinancePage() {
  return (
    <>
      <h1>Finance</h1>
      <Show
        when={me()?.areas.finance}
        fallback={<LoadError message="Finance is for Billing and Primary contacts. Ask your Primary contact for access." />}
      >
        <FinanceTabs />
      </Show>
    </>
  );
}

function FinanceTabs() {
  const params = useParams();
  const tab = (): TTab | 'autopay' => (params.tab === 'autopay' ? 'autopay' : FINANCE_TABS.some((t) => t.key === params.tab) ? (params.tab as TTab) : 'invoices');
  // The Auto Payment tab is there for everyone who may manage it (Billing and Primary contacts);
  // without card payments its page says so, rather than the tab being reachable only by URL.
  const [autopay] = createResource(() => trpc.autopay.overview.query().catch(() => null));
  const showAutopay = () => Boolean(autopay()?.canManage);
  const [status, setStatus] = createSignal<(typeof STATUS_FILTERS)[number]['value']>('all');
  const [summary, { refetch: refetchSummary }] = createResource(() => trpc.finance.summary.query());
  const [invoices, { refetch: refetchInvoices }] = createResource(
    () => (tab() === 'invoices' ? status() : null),
    (s) => trpc.finance.invoices.query({ status: s }),
  );
  const [quotes, { refetch: refetchQuotes }] = createResource(() => tab() === 'quotes' || null, () => trpc.finance.quotes.query());
  const [recurring, { refetch: refetchRecurring }] = createResource(() => tab() === 'recurring' || null, () => trpc.finance.recurring.query());
  const [payments, { refetch: refetchPayments }] = createResource(() => tab() === 'payments' || null, () => trpc.payments.history.query());
  onFinanceChange(() => {
    void refetchSummary();
    if (tab() === 'invoices') void refetchInvoices();
    if (tab() === 'quotes') void refetchQuotes();
    if (tab() === 'recurring') void refetchRecurring();
    if (tab() === 'payments') void refetchPayments();
  });

  return (
    <Show when={!summary.error} fallback={<LoadError error={summary.error} />}>
      <div class="fin-cards">
        <section class="card fin-card" aria-labelledby="balance-h">
          <h2 id="balance-h">Account Balance</h2>
          <p class="fin-figure">{summary() ? money(summary()!.accountBalanceMinor, summary()!.currency) : '…'}</p>
          <Show when={summary()?.overdueCount}>
            <p class="fin-overdue">{summary()!.overdueCount} overdue ({money(summary()!.overdueMinor, summary()!.currency)})</p>
          </Show>
        </section>
        <section class="card fin-card" aria-labelledby="monthly-h">
          <h2 id="monthly-h">Recurring Monthly</h2>
          <p class="fin-figure">{summary() ? money(summary()!.recurringMonthlyMinor, summary()!.currency) : '…'}</p>
        </section>
      </div>
      <nav class="fin-tabs" aria-label="Finance sections">
        {FINANCE_TABS.map((t) => (
          <A href={t.key === 'invoices' ? '/finance' : `/finance/${t.key}`} classList={{ active: tab() === t.key }} aria-current={tab() === t.key ? 'page' : undefined}>
            {t.label}
          </A>
        ))}
        <Show when={showAutopay() || tab() === 'autopay'}>
          <A href="/finance/autopay" classList={{ active: tab() === 'autopay' }} aria-current={tab() === 'autopay' ? 'page' : undefined}>
            Auto Payment
          </A>
        </Show>
      </nav>
      <Switch>
        <Match when={tab() === 'invoices'}>
          <div class="filters">
            <label for="invoice-status">Status</label>
            <select id="invoice-status" value={status()} onChange={(e) => setStatus(e.currentTarget.value as 'all')}>
              {STATUS_FILTERS.map((f) => <option value={f.value}>{f.label}</option>)}
            </select>
          </div>
          <Show when={invoices()} fallback={invoices.error ? <LoadError error={invoices.error} /> : <p>Loading…</p>}>
            <InvoiceList
              items={invoices()!}
              base="/finance"
              empty={status() === 'all' ? 'No invoices yet. Invoices appear here as soon as they are issued to your company.' : 'No invoices with this status. Choose "All" to see every invoice.'}
            />
          </Show>
        </Match>
        <Match when={tab() === 'quotes'}>
          <Show when={quotes()} fallback={quotes.error ? <LoadError error={quotes.error} /> : <p>Loading…</p>}>
            <QuoteList items={quotes()!} base="/finance" empty="No quotes yet. To ask for one, raise a ticket describing what you need." />
          </Show>
        </Match>
        <Match when={tab() === 'recurring'}>
          <Show when={recurring()} fallback={recurring.error ? <LoadError error={recurring.error} /> : <p>Loading…</p>}>
            <RecurringList items={recurring()!} empty="No recurring invoices. Subscriptions appear here once your provider sets them up." />
          </Show>
        </Match>
        <Match when={tab() === 'payments'}>
          <Show when={payments()} fallback={payments.error ? <LoadError error={payments.error} /> : <p>Loading…</p>}>
            <PaymentList items={payments()!} base="/finance" empty="No payments recorded yet. Payments appear here once they are applied to an invoice." />
          </Show>
        </Match>
        <Match when={tab() === 'autopay'}>
          <AutoPaymentPanel />
        </Match>
      </Switch>
    </Show>
  );
}
