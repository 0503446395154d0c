import { Show } from 'solid-js';
import type { TPayOptions } from './pay-now';

/**
 * How to pay an unpaid invoice besides "Pay Now": says plainly when the provider takes no
 * payments online, and shows its "Payment instructions" (bank details, a phone number) as text.
 */
export function HowToPay(props: { options: TPayOptions; providerName: string }) {
  return (
    <Show when={props.options.payable && (!props.options.onlinePayment || props.options.instructions)}>
      <section class="card fin-how-to-pay" aria-labelledby="how-to-pay-h">
        <h2 id="how-to-pay-h">{props.options.onlinePayment ? 'Other ways to pay' : 'How to pay'}</h2>
        <Show when={!props.options.onlinePayment}>
          <p>Online payment is not offered for this invoice: {props.providerName} does not take card payments in the portal.</p>
        </Show>
        <Show
          when={props.options.instructions}
          fallback={<p>Contact {props.providerName} to arrange payment.</p>}
        >
          {(text) => <p class="fin-instructions">{text()}</p>}
        </Show>
      </section>
    </Show>
  );
}
