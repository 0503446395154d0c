import { createSignal, Show, type JSX } from 'solid-js';
import { formatDate } from '../../lib/dates';
import { liveRefetch } from '../../lib/live';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';

/* Pieces the client and staff technical pages share. */

export type TBadge = { state: 'expired' | 'soon'; label: string } | null;

export function ExpiryBadge(props: { badge: TBadge }) {
  return <Show when={props.badge}>{(b) => <span class={`badge expiry-${b().state}`}>{b().label}</span>}</Show>;
}

/** A stored 'YYYY-MM-DD' in the reader's format; the day itself never shifts with the time zone. */
export const formatDay = (day: string | null | undefined) => (day ? formatDate(day) : '—');

/** The file's URL; the name is cosmetic (the server goes by the id). */
export const documentUrl = (d: { id: number; filename: string }) => `/documents/${d.id}/${encodeURIComponent(d.filename)}`;

/** Refetches whenever a record the caller may see changes (a few changes at once cause one refetch). */
export function onTechnicalChange(refetch: () => void) {
  liveRefetch((lastEventId, handlers) => trpc.technical.onChange.subscribe({ lastEventId }, handlers), refetch, { burstMs: 150 });
}

/** An upload refused by POST /documents, in the same shape as a refused tRPC call. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[] | undefined> = {},
  ) {
    super(message);
  }
}

/** Sends a multipart form to POST /documents; resolves with the new document's id. */
export async function uploadDocument(form: FormData): Promise<{ id: number; title: string }> {
  let res: Response;
  try {
    res = await fetch('/documents', { method: 'POST', body: form, credentials: 'same-origin' });
  } catch {
    throw new UploadError('Could not reach the portal. Check your connection and try again.');
  }
  const body = (await res.json().catch(() => ({}))) as { document?: { id: number; title: string }; error?: string; fieldErrors?: Record<string, string[]> };
  if (!res.ok || !body.document) throw new UploadError(body.error ?? 'The upload failed. Try again.', body.fieldErrors);
  return body.document;
}

/** A form's error, field errors and busy state; `run` wraps one submission. */
export function createFormState() {
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError('');
    setErrors({});
    try {
      await work();
      return true;
    } catch (err) {
      setErrors(err instanceof UploadError ? err.fieldErrors : fieldErrors(err));
      setError(err instanceof UploadError ? err.message : errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { errors, error, busy, run };
}

/** A labelled control with its validation message right below it. */
export function Field(props: { id: string; label: string; errors?: string[]; children: JSX.Element }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      <Show when={props.errors?.[0]}>
        <p class="field-error" id={`${props.id}-error`}>{props.errors![0]}</p>
      </Show>
    </div>
  );
}

/** The form's overall message, announced when it appears. */
export function FormError(props: { message: string }) {
  return <Show when={props.message}><p class="error" role="alert">{props.message}</p></Show>;
}

/** The empty or optional text of a form field as null. */
export const textOf = (form: FormData, name: string) => {
  const v = String(form.get(name) ?? '').trim();
  return v === '' ? null : v;
};
