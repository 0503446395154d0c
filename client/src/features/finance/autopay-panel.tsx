import { useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { cardBrandName } from '../../../../server/payments/card-label';
import { errorMessage, trpc } from '../../lib/trpc';
import { dateText, FREQUENCY_LABELS, LoadError, money, onFinanceChange } from './finance-kit';
import './autopay.css';

/*
 * Finance > Auto Payment (seed 004 §16): the company's saved cards (brand, last 4, expiry,
 * which one is the default), "Save Card" through the gateway's secure page, and the Auto Pay
 * switch per recurring invoice. Live: a card saved in another tab, or by the webhook after
 * the redirect back, appears without a reload.
 */

type TOverview = Awaited<ReturnType<typeof trpc.autopay.overview.query>>;
type TCard = TOverview['cards'][number];

const NOTICES: Record<string, string> = {
  saved: 'Your card was saved with the payment gateway. It appears below as soon as the gateway confirms it.',
  cancelled: 'Saving a card was cancelled. No card was added.',
};

const expiry = (c: TCard) => `${String(c.expMonth).padStart(2, '0')}/${c.expYear}`;
const cardName = (c: TCard) => `${cardBrandName(c.brand)} •••• ${c.last4}`;

export default function AutoPaymentPanel() {
  const [params] = useSearchParams();
  const [overview, { refetch }] = createResource(() => trpc.autopay.overview.query());
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal<number | null>(null);
  onFinanceChange(() => void refetch());

  const act = async (key: string, work: () => Promise<unknown>) => {
    setError('');
    setBusy(key);
    try {
      await work();
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const saveCard = async () => {
    setError('');
    setBusy('save');
    try {
      const { url } = await trpc.autopay.saveCard.mutate();
      window.location.assign(url);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(null);
    }
  };

  const remove = (c: TCard) =>
    act(`remove-${c.id}`, async () => {
      await trpc.autopay.removeCard.mutate({ cardId: c.id });
      setConfirming(null);
    });

  const toggle = async (recurringId: number, box: HTMLInputElement) => {
    const autoPay = box.checked;
    await act(`autopay-${recurringId}`, () => trpc.autopay.setAutoPay.mutate({ recurringId, autoPay }));
    // Refused: the switch shows what is saved again.
    box.checked = overview()?.recurring.find((r) => r.id === recurringId)?.autoPay ?? !autoPay;
  };

  const hasDefault = () => overview()?.cards.some((c) => c.isDefault) ?? false;
  const notice = () => NOTICES[String(params.card ?? '')];

  return (
    <Show when={overview()} fallback={overview.error ? <LoadError error={overview.error} /> : <p>Loading…</p>}>
      <Show when={overview()!.available && overview()!.canManage} fallback={<LoadError message="Auto Payment is not available: your provider does not take card payments in the portal." />}>
        <Show when={notice()}>
          <p class="notice" role="status">{notice()}</p>
        </Show>
        <Show when={error()}>
          <p class="error" role="alert">{error()}</p>
        </Show>

        <section class="card" aria-labelledby="saved-cards-h">
          <div class="page-head">
            <h2 id="saved-cards-h">Saved cards</h2>
            <button type="button" class="primary" onClick={() => void saveCard()} disabled={busy() === 'save'}>
              {busy() === 'save' ? 'Opening the secure page…' : 'Save Card'}
            </button>
          </div>
          <p class="muted">
            Cards are entered on our payment gateway's secure page (PCI compliant): we never see your full card number. Auto-pay charges the default card.
          </p>
          <Show when={overview()!.cards.length} fallback={<p class="muted fin-empty">No saved cards yet. Choose "Save Card" to add one.</p>}>
            <ul class="autopay-cards" aria-label="Saved cards">
              <For each={overview()!.cards}>
                {(c) => (
                  <li class="autopay-card" data-card-id={c.id}>
                    <span class="autopay-card-name">{cardName(c)}</span>
                    <span classList={{ muted: !c.expired, error: c.expired }}>{c.expired ? `Expired ${expiry(c)}` : `Expires ${expiry(c)}`}</span>
                    <Show when={c.isDefault}><span class="badge fin-paid">Default</span></Show>
                    <span class="autopay-card-actions">
                      <Show when={!c.isDefault}>
                        <button type="button" onClick={() => void act(`default-${c.id}`, () => trpc.autopay.makeDefault.mutate({ cardId: c.id }))} disabled={busy() !== null} aria-label={`Make ${cardName(c)} the default card`}>
                          Make default
                        </button>
                      </Show>
                      <Show
                        when={confirming() === c.id}
                        fallback={
                          <button type="button" onClick={() => setConfirming(c.id)} disabled={busy() !== null} aria-label={`Remove ${cardName(c)}`}>
                            Remove
                          </button>
                        }
                      >
                        <span role="group" aria-label={`Remove ${cardName(c)}?`} class="autopay-confirm">
                          <span>Remove this card?</span>
                          <button type="button" onClick={() => void remove(c)} disabled={busy() !== null}>Yes, remove</button>
                          <button type="button" onClick={() => setConfirming(null)}>Keep it</button>
                        </span>
                      </Show>
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>

        <section class="card" aria-labelledby="autopay-recurring-h">
          <h2 id="autopay-recurring-h">Auto Pay per recurring invoice</h2>
          <p class="muted" id="autopay-help">
            {hasDefault() ? 'With Auto Pay on, each new invoice of that subscription is charged to the default card when it is issued.' : 'Save a card to turn on Auto Pay.'}
          </p>
          <Show when={overview()!.recurring.length} fallback={<p class="muted fin-empty">No recurring invoices.</p>}>
            <ul class="autopay-recurring" aria-label="Recurring invoices">
              <For each={overview()!.recurring}>
                {(r) => (
                  <li>
                    <label class="check autopay-switch" for={`autopay-${r.id}`}>
                      <input
                        id={`autopay-${r.id}`}
                        type="checkbox"
                        role="switch"
                        checked={r.autoPay}
                        aria-describedby="autopay-help"
                        disabled={busy() !== null || (!r.autoPay && !hasDefault())}
                        onChange={(e) => void toggle(r.id, e.currentTarget)}
                      />
                      <span>Auto Pay<span class="sr-only"> for {r.scope}</span></span>
                    </label>
                    <span class="autopay-recurring-facts">
                      <strong>{r.scope}</strong> · {money(r.totalMinor, r.currency)} {(FREQUENCY_LABELS[r.frequency] ?? r.frequency).toLowerCase()} · next bill {dateText(r.nextBillDate)}
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
      </Show>
    </Show>
  );
}
