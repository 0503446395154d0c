import { createSignal, For, Show } from 'solid-js';
import { errorMessage, fieldErrors } from '../../lib/trpc';

export const TYPE_LABELS = { standard: 'Standard', billing: 'Billing', technical: 'Technical', primary: 'Primary' } as const;
export type TContactTypeKey = keyof typeof TYPE_LABELS;

export interface TContactFields {
  name: string;
  email: string;
  title: string;
  department: string;
  phoneOffice: string;
  phoneCell: string;
  types: TContactTypeKey[];
  sendInvitation: boolean;
}

/**
 * "Add Contact" and edit form. `isNew` shows the email and invitation fields (an existing
 * contact's email belongs to its person and changes from their own Account page).
 */
export function ContactForm(props: {
  idPrefix: string;
  isNew: boolean;
  initial?: Partial<TContactFields>;
  canGrantPrimary: boolean;
  submitLabel: string;
  onSubmit: (fields: TContactFields) => Promise<void>;
  onCancel?: () => void;
}) {
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const id = (name: string) => `${props.idPrefix}-${name}`;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    setBusy(true);
    setError('');
    setErrors({});
    try {
      await props.onSubmit({
        name: text('name'),
        email: text('email'),
        title: text('title'),
        department: text('department'),
        phoneOffice: text('phoneOffice'),
        phoneCell: text('phoneCell'),
        types: form.getAll('types').map(String) as TContactTypeKey[],
        sendInvitation: form.get('sendInvitation') === 'on',
      });
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (name: string) => <Show when={errors()[name]}><p class="field-error" id={id(`${name}-error`)}>{errors()[name]![0]}</p></Show>;
  const input = (name: keyof TContactFields, label: string, type = 'text', required = false) => (
    <>
      <label for={id(name)}>{label}</label>
      <input id={id(name)} name={name} type={type} required={required} value={String(props.initial?.[name] ?? '')}
        aria-describedby={errors()[name] ? id(`${name}-error`) : undefined} aria-invalid={errors()[name] ? 'true' : undefined} />
      {fieldError(name)}
    </>
  );

  return (
    <form onSubmit={submit} aria-busy={busy()} class="contact-form">
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      {input('name', 'Name', 'text', true)}
      <Show when={props.isNew}>{input('email', 'Email address', 'email', true)}</Show>
      {input('title', 'Title')}
      {input('department', 'Department')}
      {input('phoneOffice', 'Office phone', 'tel')}
      {input('phoneCell', 'Cell phone', 'tel')}
      <fieldset>
        <legend>Contact types</legend>
        <For each={Object.entries(TYPE_LABELS) as [TContactTypeKey, string][]}>
          {([key, label]) => (
            <label class="check">
              <input type="checkbox" name="types" value={key} checked={(props.initial?.types ?? ['standard']).includes(key)}
                disabled={key === 'primary' && !props.canGrantPrimary} /> {label}
            </label>
          )}
        </For>
        {fieldError('types')}
      </fieldset>
      <Show when={props.isNew}>
        <label class="check"><input type="checkbox" name="sendInvitation" checked /> Send an invitation email</label>
      </Show>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy()}>{props.submitLabel}</button>
        <Show when={props.onCancel}><button type="button" onClick={() => props.onCancel?.()}>Cancel</button></Show>
      </div>
    </form>
  );
}
