import { createResource, For, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { formatDate, formatDateTime } from '../../lib/dates';

/** Browsers that skip the second factor ("Remember this device for 30 days"), with "Forget". */
export function TrustedDevices() {
  const [devices, { refetch }] = createResource(() => trpc.account.trustedDevices.query());
  const forget = async (deviceId: number) => {
    await trpc.account.forgetDevice.mutate({ deviceId });
    await refetch();
  };
  return (
    <Show when={devices()?.length}>
      <section class="card" aria-labelledby="devices-title">
        <h2 id="devices-title">Remembered devices</h2>
        <p class="muted">These browsers skip the two-factor code until the date shown.</p>
        <ul class="rows">
          <For each={devices()}>
            {(d) => (
              <li>
                <strong>{d.label}</strong>{' '}
                <span class="muted">last used {formatDateTime(d.lastUsedAt)} · until {formatDate(d.expiresAt)}</span>{' '}
                <button type="button" aria-label={`Forget ${d.label}, remembered ${formatDateTime(d.createdAt)}`} onClick={() => void forget(d.id)}>
                  Forget
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
