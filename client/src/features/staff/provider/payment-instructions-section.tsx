import { createResource, Show } from 'solid-js';
import { createFormState } from '../../../lib/form-state';
import { trpc } from '../../../lib/trpc';

/**
 * Provider settings → Payment instructions: how clients pay other than by card in the portal,
 * shown on every unpaid invoice and printed on its PDF.
 */
export function PaymentInstructionsSection() {
  const [settings, { refetch }] = createResource(() => trpc.admin.paymentInstructions.query());
  const { error, saved, busy, run, fieldError } = createFormState();
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void run(async () => {
      const { instructions } = await trpc.admin.updatePaymentInstructions.mutate({ instructions: String(form.get('instructions') ?? '') });
      await refetch();
      return instructions ? 'Saved. Invoices show these instructions.' : 'Saved. Invoices show no payment instructions.';
    });
  };
  return (
    <Show when={settings()}>
      {(s) => (
        <section class="card" aria-labelledby="payment-instructions-title">
          <h2 id="payment-instructions-title">Payment instructions</h2>
          <p class="muted" id="payment-instructions-hint">
            How clients pay you other than by card in the portal: bank transfer details, a phone number. Shown on every unpaid invoice and printed on
            invoice PDFs. Without card payments and without these, an invoice only tells clients to contact you.
          </p>
          <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
          <Show when={error() && !fieldError('instructions')}><p class="error" role="alert">{error()}</p></Show>
          <form onSubmit={save} aria-busy={busy()}>
            <label for="payment-instructions">Payment instructions</label>
            <textarea
              id="payment-instructions"
              name="instructions"
              rows={4}
              maxLength={2000}
              aria-describedby="payment-instructions-hint"
              aria-invalid={!!fieldError('instructions')}
              value={s().instructions}
            />
            <Show when={fieldError('instructions')}><p class="field-error" role="alert">{fieldError('instructions')}</p></Show>
            <button type="submit" class="primary" disabled={busy()}>Save payment instructions</button>
          </form>
        </section>
      )}
    </Show>
  );
}
