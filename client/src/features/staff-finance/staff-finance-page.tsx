import { A, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { FINANCE_TABS } from '../finance/finance-page';
import { InvoiceList, PaymentList, QuoteList } from '../finance/finance-lists';
import { LoadError, money, onFinanceChange } from '../finance/finance-kit';
import { RecurringSection } from './recurring-section';
import { CompanySelect } from './staff-kit';

type TTab = (typeof FINANCE_TABS)[number]['key'];
const STATUS_FILTERS = ['all', 'draft', 'unpaid', 'partial', 'overdue', 'paid', 'void'] as const;
const FILTER_LABELS: Record<string, string> = { all: 'All', draft: 'Draft', unpaid: 'Unpaid', partial: 'Partial', overdue: 'Overdue', paid: 'Paid', void: 'Void' };

/** The staff Billing console: every company of the provider, or one picked; lists update live. */
export default function StaffFinancePage() {
  const params = useParams();
  const [search, setSearch] = useSearchParams();
  const tab = (): TTab => (FINANCE_TABS.some((t) => t.key === params.tab) ? (params.tab as TTab) : 'invoices');
  const company = () => (typeof search.company === 'string' && search.company ? search.company : '');
  const companyId = () => (company() ? Number(company()) : undefined);
  const [status, setStatus] = createSignal<(typeof STATUS_FILTERS)[number]>('all');
  const [companies] = createResource(() => trpc.finance.companies.query());
  const [summary, { refetch: refetchSummary }] = createResource(() => ({ c: companyId() }), ({ c }) => trpc.finance.summary.query({ companyId: c }));
  const [invoices, { refetch: refetchInvoices }] = createResource(
    () => (tab() === 'invoices' ? { s: status(), c: companyId() } : null),
    ({ s, c }) => trpc.finance.invoices.query({ status: s, companyId: c }),
  );
  const [quotes, { refetch: refetchQuotes }] = createResource(() => (tab() === 'quotes' ? { c: companyId() } : null), ({ c }) => trpc.finance.quotes.query({ companyId: c }));
  const [payments, { refetch: refetchPayments }] = createResource(() => (tab() === 'payments' ? { c: companyId() } : null), ({ c }) => trpc.payments.history.query({ companyId: c }));
  const [recurringVersion, setRecurringVersion] = createSignal(0);
  onFinanceChange(() => {
    void refetchSummary();
    if (tab() === 'invoices') void refetchInvoices();
    if (tab() === 'quotes') void refetchQuotes();
    if (tab() === 'payments') void refetchPayments();
    if (tab() === 'recurring') setRecurringVersion((v) => v + 1);
  });
  const q = () => (company() ? `?company=${company()}` : '');

  return (
    <>
      <h1>Billing</h1>
      <div class="fin-toolbar">
        <CompanySelect id="billing-company" companies={companies} value={company()} onChange={(v) => setSearch({ company: v || undefined })} allLabel="All companies" />
      </div>
      <Show when={summary()}>
        {(s) => (
          <div class="fin-cards">
            <section class="card fin-card"><h2>Outstanding</h2><p class="fin-figure">{money(s().accountBalanceMinor, s().currency)}</p>
              <Show when={s().overdueCount}><p class="fin-overdue">{s().overdueCount} overdue ({money(s().overdueMinor, s().currency)})</p></Show>
            </section>
            <section class="card fin-card"><h2>Recurring Monthly</h2><p class="fin-figure">{money(s().recurringMonthlyMinor, s().currency)}</p></section>
            <section class="card fin-card"><h2>Quotes awaiting decision</h2><p class="fin-figure">{s().quotesAwaitingDecision}</p></section>
          </div>
        )}
      </Show>
      <nav class="fin-tabs" aria-label="Billing sections">
        {FINANCE_TABS.map((t) => (
          <A href={`${t.key === 'invoices' ? '/staff/finance' : `/staff/finance/${t.key}`}${q()}`} classList={{ active: tab() === t.key }} aria-current={tab() === t.key ? 'page' : undefined}>
            {t.label}
          </A>
        ))}
      </nav>
      <Switch>
        <Match when={tab() === 'invoices'}>
          <div class="fin-toolbar">
            <div class="fin-field">
              <label for="staff-invoice-status">Status</label>
              <select id="staff-invoice-status" value={status()} onChange={(e) => setStatus(e.currentTarget.value as 'all')}>
                {STATUS_FILTERS.map((f) => <option value={f}>{FILTER_LABELS[f]}</option>)}
              </select>
            </div>
            <A class="button primary" href={`/staff/finance/invoices/new${q()}`}>New invoice</A>
          </div>
          <Show when={invoices()} fallback={invoices.error ? <LoadError error={invoices.error} /> : <p>Loading…</p>}>
            <InvoiceList items={invoices()!} base="/staff/finance" empty='No invoices here yet. Use "New invoice" to bill a company.' />
          </Show>
        </Match>
        <Match when={tab() === 'quotes'}>
          <div class="fin-toolbar"><A class="button primary" href={`/staff/finance/quotes/new${q()}`}>New quote</A></div>
          <Show when={quotes()} fallback={quotes.error ? <LoadError error={quotes.error} /> : <p>Loading…</p>}>
            <QuoteList items={quotes()!} base="/staff/finance" empty='No quotes here yet. Use "New quote" to send one.' />
          </Show>
        </Match>
        <Match when={tab() === 'recurring'}>
          <RecurringSection companyId={companyId()} companies={companies} version={recurringVersion()} currency={summary()?.currency ?? 'USD'} />
        </Match>
        <Match when={tab() === 'payments'}>
          <Show when={payments()} fallback={payments.error ? <LoadError error={payments.error} /> : <p>Loading…</p>}>
            <PaymentList items={payments()!} base="/staff/finance" empty='No payments yet. Open an invoice and use "Record payment" when money arrives.' />
          </Show>
        </Match>
      </Switch>
    </>
  );
}
