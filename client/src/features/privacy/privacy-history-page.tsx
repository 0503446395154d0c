import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { formatDateTime, isoOf } from '../../lib/dates';

type TRow = Awaited<ReturnType<typeof trpc.privacy.history.query>>['items'][number];

/** Saves text the server built as a file, without a second request carrying the cookie. */
function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "Privacy Action History": an audit page, read-only, exportable. */
export default function PrivacyHistoryPage() {
  const [rows, setRows] = createSignal<TRow[]>([]);
  const [cursor, setCursor] = createSignal<number | undefined>();
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const load = async (from?: number) => {
    const page = await trpc.privacy.history.query(from ? { cursor: from } : {});
    setRows([...rows(), ...page.items]);
    setCursor(page.nextCursor);
    return true;
  };
  const [first] = createResource(() => load().catch((err) => (setError(errorMessage(err)), false)));

  const exportCsv = async () => {
    setBusy(true);
    setError('');
    try {
      const { filename, csv } = await trpc.privacy.exportCsv.query();
      download(filename, csv);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div class="page-head">
        <h1>Privacy Action History</h1>
        <button type="button" disabled={busy()} onClick={() => void exportCsv()}>Export CSV</button>
      </div>
      <p class="muted">Each acceptance of the privacy policy, newest first. This is an audit record and cannot be edited. <A href="/staff/privacy">Privacy settings</A></p>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={!first.loading} fallback={<p>Loading…</p>}>
        <Show when={rows().length} fallback={<p class="muted">No one has accepted the privacy policy yet.</p>}>
          <table class="list">
            <thead>
              <tr><th scope="col">Person</th><th scope="col">Email</th><th scope="col">Policy version</th><th scope="col">Date and time</th><th scope="col">IP address</th></tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(r) => (
                  <tr>
                    <td data-label="Person">{r.name}</td>
                    <td data-label="Email">{r.email}</td>
                    <td data-label="Policy version">{r.policyVersion}</td>
                    <td data-label="Date and time"><time datetime={isoOf(r.acceptedAt)}>{formatDateTime(r.acceptedAt)}</time></td>
                    <td data-label="IP address">{r.ip}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Show when={cursor()}>
            {(c) => <button type="button" onClick={() => void load(c()).catch((err) => setError(errorMessage(err)))}>Load more</button>}
          </Show>
        </Show>
      </Show>
    </>
  );
}
