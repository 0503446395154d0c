import { createResource, createSignal, For, Show } from 'solid-js';
import { withReauth } from '../../lib/reauth';
import { errorMessage, trpc } from '../../lib/trpc';

type TSetup = Awaited<ReturnType<typeof trpc.twoFactor.beginSetup.mutate>>;

/** Seed 003: scan the QR code (or type the key), confirm a code, keep the recovery codes. */
export function TwoFactorSection(props: { onDone?: () => void }) {
  const [status, { refetch }] = createResource(() => trpc.twoFactor.status.query());
  const [setup, setSetup] = createSignal<TSetup | null>(null);
  const [codes, setCodes] = createSignal<string[]>([]);
  const [code, setCode] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof Error && err.message === 'Cancelled.')) setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const begin = () =>
    run(async () => {
      setSetup(await trpc.twoFactor.beginSetup.mutate());
    });
  const confirm = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      const res = await trpc.twoFactor.confirmSetup.mutate({ code: code() });
      setCodes(res.recoveryCodes);
      setSetup(null);
      setCode('');
      await refetch();
    });
  };

  const regenerate = () =>
    run(async () => {
      const res = await withReauth(() => trpc.twoFactor.regenerateRecoveryCodes.mutate());
      setCodes(res.recoveryCodes);
      await refetch();
    });
  const turnOff = () =>
    run(async () => {
      if (!window.confirm('Turn off two-factor authentication? Signing in will need only your password.')) return;
      await withReauth(() => trpc.twoFactor.disable.mutate());
      await refetch();
    });

  return (
    <section class="card" aria-labelledby="twofa-title">
      <h2 id="twofa-title">Two-factor authentication</h2>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={codes().length}>
        <div role="region" aria-label="Recovery codes">
          <p><strong>Save these recovery codes now.</strong> Each works once; they will not be shown again.</p>
          <ul class="codes">
            <For each={codes()}>{(c) => <li><code>{c}</code></li>}</For>
          </ul>
          <button type="button" onClick={() => { setCodes([]); props.onDone?.(); }}>I have saved my recovery codes</button>
        </div>
      </Show>
      <Show when={!codes().length}>
        <Show when={status()?.enabled} fallback={
          <Show when={setup()} fallback={
            <>
              <p class="muted">Protect your account with a code from an authenticator app.</p>
              <button type="button" class="primary" disabled={busy()} onClick={begin}>Set up two-factor authentication</button>
            </>
          }>
            {(s) => (
              <form onSubmit={confirm} aria-busy={busy()}>
                <p>Scan this QR code with an authenticator app such as Google Authenticator, or enter the key by hand.</p>
                <img src={s().qrDataUrl} alt="QR code for your authenticator app" width="220" height="220" />
                {/* Groups of four to read and type; spacing by CSS alone, so copying gives the key unbroken. */}
                <p>Key: <code data-testid="totp-key" class="totp-key">{s().key.match(/.{1,4}/g)?.map((g) => <span>{g}</span>)}</code></p>
                <label for="confirm-code">Enter the 6-digit code</label>
                <input id="confirm-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code()} onInput={(e) => setCode(e.currentTarget.value)} />
                <button type="submit" class="primary" disabled={busy()}>Enable 2FA</button>
              </form>
            )}
          </Show>
        }>
          <p>Two-factor authentication is <strong>on</strong>. Recovery codes left: {status()?.recoveryCodesLeft}.</p>
          <div class="actions">
            <button type="button" disabled={busy()} onClick={regenerate}>Generate new recovery codes</button>
            <Show when={!status()?.required} fallback={<p class="muted">Your organization requires two-factor authentication.</p>}>
              <button type="button" disabled={busy()} onClick={turnOff}>Turn off two-factor authentication</button>
            </Show>
          </div>
        </Show>
      </Show>
    </section>
  );
}
